import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_GATEWAY_URL,
  ANNOTATION_LOCATION,
  GATEWAY_API_NAME,
  GATEWAY_API_TYPE,
  LOCATION_ENTITY_TYPE,
} from '@internal/backstage-plugin-inference-models-common';
import { managedByAnnotations, type MappingLocation } from './common';

export interface LocationEntitiesOptions {
  /** Entity ref of the owner of the location's entities. */
  owner: string;
}

/** `<bifrost.baseUrl>/v1`: the OpenAI-compatible base URL customers call. */
export function gatewayBaseUrl(location: MappingLocation): string {
  return `${location.bifrost.baseUrl.replace(/\/+$/, '')}/v1`;
}

/** A small OpenAPI document of the gateway's OpenAI-compatible endpoints. */
function gatewayDefinition(location: MappingLocation): string {
  const body = (example: Record<string, unknown>) => ({
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['model'],
          properties: {
            model: {
              type: 'string',
              description:
                'kubeai/<Model name>, e.g. the name of a model entity of this location',
            },
          },
          additionalProperties: true,
        },
        example,
      },
    },
  });
  const ok = { '200': { description: 'OpenAI-compatible response' } };
  const refusals = {
    '401': { description: 'Virtual key missing or invalid' },
    '402': { description: 'Budget exceeded' },
    '403': { description: 'Key inactive or model not allowed' },
    '429': { description: 'Rate limited' },
  };
  const doc = {
    openapi: '3.0.3',
    info: {
      title: `${location.title} inference gateway`,
      version: 'v1',
      description:
        `OpenAI-compatible API of the Bifrost gateway of location ${location.name} ` +
        `(${location.domain}), serving the location's KubeAI Models. Authenticate ` +
        'with a virtual key (`Authorization: Bearer sk-bf-...`).',
    },
    servers: [{ url: gatewayBaseUrl(location) }],
    security: [{ virtualKey: [] }],
    paths: {
      '/chat/completions': {
        post: {
          summary: 'Chat completion',
          requestBody: body({
            model: 'kubeai/<model>',
            messages: [{ role: 'user', content: 'Hello' }],
          }),
          responses: { ...ok, ...refusals },
        },
      },
      '/completions': {
        post: {
          summary: 'Text completion',
          requestBody: body({ model: 'kubeai/<model>', prompt: 'Hello' }),
          responses: { ...ok, ...refusals },
        },
      },
      '/embeddings': {
        post: {
          summary: 'Embeddings',
          requestBody: body({ model: 'kubeai/<model>', input: 'Hello' }),
          responses: { ...ok, ...refusals },
        },
      },
      '/models': {
        get: {
          summary: 'Models the key may use',
          responses: { ...ok, '401': refusals['401'] },
        },
      },
    },
    components: {
      securitySchemes: {
        virtualKey: { type: 'http', scheme: 'bearer' },
      },
    },
  };
  return JSON.stringify(doc, null, 2);
}

/**
 * The entities of a location itself: its cluster (`Resource` of type
 * `kubernetes-cluster`, `resource:<location>/<location>`) and its gateway
 * (`API` of type `openai`, `api:<location>/gateway`). Pure.
 */
export function toLocationEntities(
  location: MappingLocation,
  options: LocationEntitiesOptions,
): Entity[] {
  const annotations = {
    ...managedByAnnotations(location.name),
    [ANNOTATION_LOCATION]: location.name,
  };
  const cluster: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: location.name,
      namespace: location.name,
      title: location.title,
      description: `K3s cluster of location ${location.title} (${location.domain}), KubeAI in namespace ${location.kubeaiNamespace}`,
      annotations,
    },
    spec: {
      type: LOCATION_ENTITY_TYPE,
      owner: options.owner,
      lifecycle: 'production',
      location: location.name,
      domain: location.domain,
      countryCode: location.countryCode,
      cluster: location.cluster,
      kubeaiNamespace: location.kubeaiNamespace,
    },
  };
  const gateway: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: GATEWAY_API_NAME,
      namespace: location.name,
      title: `${location.title} inference gateway`,
      description: `OpenAI-compatible endpoint (Bifrost) of location ${location.title}`,
      annotations: {
        ...annotations,
        [ANNOTATION_GATEWAY_URL]: gatewayBaseUrl(location),
      },
      links: [{ url: gatewayBaseUrl(location), title: 'Gateway base URL' }],
    },
    spec: {
      type: GATEWAY_API_TYPE,
      lifecycle: 'production',
      owner: options.owner,
      definition: gatewayDefinition(location),
    },
  };
  return [cluster, gateway];
}
