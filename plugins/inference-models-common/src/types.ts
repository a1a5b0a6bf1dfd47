import type {
  LocationError,
  LocationListResponse,
} from '@internal/backstage-plugin-inference-common';
import type { ModelEntityPricing, ModelKubeAiSpec } from './entities';

export type { LocationError };

/** Live state of one KubeAI Model in one location, as the API returns it. */
export type ModelSummary = {
  location: string;
  name: string;
  engine: string;
  url: string;
  features: string[];
  resourceProfile?: string;
  /** GPUs per replica from the profile the location's KubeAI defines. */
  gpuCount?: number;
  cacheProfile?: string;
  /** The rest of the KubeAI Model spec (no env values or file contents). */
  kubeai?: ModelKubeAiSpec;
  replicas: {
    desired: number;
    ready: number;
    min?: number;
    max?: number;
  };
  /** `Ready` when every desired replica is ready, `Scaling` otherwise, `ScaledToZero` at 0. */
  status: 'Ready' | 'Scaling' | 'ScaledToZero';
  createdAt?: string;
  /** Display name from the OpenRouter annotation. */
  title?: string;
  /** USD per token, decimal strings, from the OpenRouter annotation (valid prices only). */
  pricing?: ModelEntityPricing;
  contextLength?: number;
  /**
   * Problems with the Model's `openrouter.ai/json` annotation or spec (empty
   * when none); such a Model is left out of the OpenRouter listing.
   */
  warnings: string[];
};

/**
 * `GET /models`: one page of the Models matching the filters, in (location,
 * name) order.
 */
export type ModelListResponse = LocationListResponse<ModelSummary> & {
  /** Models matching the filters, in all pages. */
  total: number;
  offset: number;
  limit: number;
  /** The `offset` of the next page, when there is one. */
  nextOffset?: number;
};

/** A KubeAI resource profile a Model may name (`<profile>:<count>`). */
export type ResourceProfileInfo = {
  name: string;
  title: string;
  /** The profile schedules GPUs. */
  gpu: boolean;
  /**
   * GPUs one unit of the profile schedules (its `<vendor>/gpu` resources in
   * the location's KubeAI config); GPUs per replica = gpus x count.
   */
  gpus?: number;
};

/** A configured location, for pickers (`GET /locations`). */
export type LocationInfo = {
  name: string;
  title: string;
  domain: string;
  countryCode: string;
  /** Resource profiles KubeAI offers there. */
  resourceProfiles: ResourceProfileInfo[];
};

export type LocationInfoResponse = { items: LocationInfo[] };
