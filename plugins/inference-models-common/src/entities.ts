/*
 * The catalog entities the inference-models entity provider emits, per
 * location (see DESIGN.md, "Catalog model"):
 *
 *   resource:<location>/<location>   Resource, type kubernetes-cluster
 *   api:<location>/gateway           API, type openai (the location's Bifrost /v1)
 *   resource:<location>/<model>      Resource, type ai-model, one per KubeAI Model
 *
 * Relations: a model `dependsOn` its location's cluster, and is a
 * `dependencyOf` the gateway API (the API depends on the models it serves).
 * The standard catalog model only lets a Component provide an API
 * (`providesApis`); Resource and API entities cannot express it, so the
 * Resource-supported `dependencyOf` relation links models to the gateway.
 */

import type { components } from './generated/openapi.types';

/** `spec.type` of a model deployment entity. */
export const MODEL_ENTITY_TYPE = 'ai-model';
/** `spec.type` of a location's cluster entity. */
export const LOCATION_ENTITY_TYPE = 'kubernetes-cluster';
/** `spec.type` of a location's gateway API entity. */
export const GATEWAY_API_TYPE = 'openai';
/** `metadata.name` of every location's gateway API entity (namespace = location). */
export const GATEWAY_API_NAME = 'gateway';

/** The KubeAI Model behind an entity: `kubeai.org/v1/Model/<namespace>/<name>`. */
export const ANNOTATION_MODEL_CR = 'inference.bros/model-cr';
/** The location an entity belongs to (same as its catalog namespace). */
export const ANNOTATION_LOCATION = 'inference.bros/location';
/** Problems found while mapping the Model, joined by `; ` (absent when none). */
export const ANNOTATION_VALIDATION_WARNING =
  'inference.bros/validation-warning';
/** Base URL of the location's OpenAI-compatible gateway, on the API entity. */
export const ANNOTATION_GATEWAY_URL = 'inference.bros/gateway-url';
/** Tag on model entities that have validation warnings. */
export const VALIDATION_WARNING_TAG = 'validation-warning';

export { locationEntityRef } from '@internal/backstage-plugin-inference-common';

/** `api:<location>/gateway`: the location's gateway API entity. */
export function gatewayApiEntityRef(location: string): string {
  return `api:${location}/${GATEWAY_API_NAME}`;
}

/** `resource:<location>/<model>`: the entity of one KubeAI Model. */
export function modelEntityRef(location: string, model: string): string {
  return `resource:${location}/${model}`;
}

/** USD per token (per image, per request), as exact decimal strings. */
export type ModelEntityPricing = {
  prompt?: string;
  completion?: string;
  image?: string;
  request?: string;
  input_cache_read?: string;
  input_cache_write?: string;
  web_search?: string;
  internal_reasoning?: string;
};

/** `spec` of an `ai-model` Resource entity, beyond the standard fields. */
export type ModelEntitySpec = {
  type: typeof MODEL_ENTITY_TYPE;
  owner: string;
  lifecycle: string;
  dependsOn: string[];
  dependencyOf: string[];
  /** The location's name (also the entity namespace). */
  location: string;
  engine: string;
  url: string;
  features: string[];
  /** `<profile>:<count>` as in the CR. */
  resourceProfile?: string;
  /**
   * GPUs (accelerators) per replica: the `<vendor>/gpu` resources of the
   * profile the location's KubeAI defines, times the count. Absent when the
   * profiles could not be read or the profile is not defined there.
   */
  gpuCount?: number;
  /** The rest of the KubeAI Model spec (no env values or file contents). */
  kubeai?: ModelKubeAiSpec;
  cacheProfile?: string;
  replicas: { desired: number; ready: number; min?: number; max?: number };
  status: 'Ready' | 'Scaling' | 'ScaledToZero';
  /** From the OpenRouter annotation; only the prices that are valid. */
  pricing?: ModelEntityPricing;
  contextLength?: number;
  maxOutputLength?: number;
  inputModalities?: string[];
  outputModalities?: string[];
  quantization?: string;
  /** Datacenter country (annotation, else the location's). */
  countryCode: string;
  /** Hugging Face repository (annotation, else derived from the URL). */
  huggingFaceId?: string;
  /** The id the model has in the OpenRouter listing. */
  openRouterId?: string;
  supportedFeatures?: string[];
};

/**
 * KubeAI Model spec fields beyond the summary's. File contents and env values
 * are left out (they may be large or hold credentials): paths and names only.
 */
export type ModelKubeAiSpec = components['schemas']['ModelKubeAiSpec'];
