import type { LocationError } from '@internal/backstage-plugin-inference-common';
import type { components } from './generated/openapi.types';

export type { LocationError };

/*
 * The wire types are the OpenAPI spec's (src/schema/openapi.yaml of the
 * backend, generated into generated/openapi.types.ts): named here so that
 * callers need not spell the schema path.
 */
type Schemas = components['schemas'];

/** Live state of one KubeAI Model in one location, as the API returns it. */
export type ModelSummary = Schemas['ModelSummary'];

/** One of a Model's Pods (`GET /models/{location}/{name}/pods`). */
export type ModelPod = Schemas['ModelPod'];

/**
 * `GET /models`: one page of the Models matching the filters, in (location,
 * name) order.
 */
export type ModelListResponse = Schemas['ModelListResponse'];

/** A configured location, for pickers (`GET /locations`). */
export type LocationInfoResponse = Schemas['LocationInfoResponse'];
export type LocationInfo = LocationInfoResponse['items'][number];

/** A KubeAI resource profile a Model may name (`<profile>:<count>`). */
export type ResourceProfileInfo = LocationInfo['resourceProfiles'][number];
