import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_KUBERNETES_CLUSTER,
  managedByAnnotations,
  type MappingLocation,
} from './common';
import {
  gpusPerReplica,
  type KubeAiSystemConfig,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_MODEL_CR,
  ANNOTATION_VALIDATION_WARNING,
  MODEL_ENTITY_TYPE,
  OPENROUTER_ANNOTATION,
  VALIDATION_WARNING_TAG,
  gatewayApiEntityRef,
  locationEntityRef,
  readModelFacts,
  type ModelEntitySpec,
} from '@internal/backstage-plugin-inference-models-common';

export interface ModelEntityOptions {
  /** Entity ref of the owner of every model entity. */
  owner: string;
  /** The location's KubeAI system config (profiles), when it could be read. */
  kubeai?: KubeAiSystemConfig;
}

const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

/** A catalog tag from a KubeAI name: `TextGeneration` -> `text-generation`, `VLLM` -> `vllm`. */
function toTag(value: string): string | undefined {
  const tag = value
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return TAG.test(tag) ? tag : undefined;
}

/**
 * The catalog entity of one KubeAI Model of one location: a Resource of type
 * `ai-model` in the location's namespace. A Model with a missing or malformed
 * `openrouter.ai/json` annotation still maps, with the problems in the
 * `inference.bros/validation-warning` annotation and a `validation-warning`
 * tag. Never throws. Pure.
 */
export function toModelEntity(
  location: MappingLocation,
  model: ModelResource,
  options: ModelEntityOptions,
): Entity {
  const { kubeai } = options;
  const facts = readModelFacts(
    model,
    kubeai && {
      gpusPerReplica: profile => gpusPerReplica(profile, kubeai),
      hasCacheProfile: name => name in kubeai.cacheProfiles,
    },
  );
  const { fields } = facts.listing;
  const crNamespace = model.metadata?.namespace ?? location.kubeaiNamespace;

  const engineTag = toTag(facts.engine);
  const tags = [
    ...(engineTag ? [engineTag] : []),
    ...facts.features.map(toTag).filter((t): t is string => !!t),
    ...(facts.warnings.length > 0 ? [VALIDATION_WARNING_TAG] : []),
  ];

  const huggingFaceId = fields.hugging_face_id || facts.huggingFaceRepo;
  const pricing =
    fields.pricing && Object.keys(fields.pricing).length > 0
      ? fields.pricing
      : undefined;

  const spec: ModelEntitySpec = {
    type: MODEL_ENTITY_TYPE,
    owner: options.owner,
    lifecycle: 'production',
    dependsOn: [locationEntityRef(location.name)],
    dependencyOf: [gatewayApiEntityRef(location.name)],
    location: location.name,
    engine: facts.engine,
    url: facts.url,
    features: facts.features,
    resourceProfile: facts.resourceProfile,
    gpuCount: facts.gpuCount,
    cacheProfile: facts.cacheProfile,
    kubeai: facts.kubeai,
    replicas: facts.replicas,
    status: facts.status,
    pricing,
    contextLength: fields.context_length,
    maxOutputLength: fields.max_output_length,
    inputModalities: fields.input_modalities,
    outputModalities: fields.output_modalities,
    quantization: fields.quantization,
    countryCode: fields.datacenters?.[0]?.country_code ?? location.countryCode,
    huggingFaceId,
    openRouterId: fields.id,
    supportedFeatures: fields.supported_features,
  };

  const annotations: Record<string, string> = {
    ...managedByAnnotations(location.name),
    [ANNOTATION_LOCATION]: location.name,
    [ANNOTATION_MODEL_CR]: `kubeai.org/v1/Model/${crNamespace}/${facts.name}`,
    [ANNOTATION_KUBERNETES_LABEL_SELECTOR]: `model=${facts.name}`,
    [ANNOTATION_KUBERNETES_NAMESPACE]: crNamespace,
    [ANNOTATION_KUBERNETES_CLUSTER]: location.cluster,
  };
  if (facts.rawListing !== undefined) {
    annotations[OPENROUTER_ANNOTATION] = facts.rawListing;
  }
  if (facts.warnings.length > 0) {
    annotations[ANNOTATION_VALIDATION_WARNING] = facts.warnings.join('; ');
  }

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: facts.name,
      namespace: location.name,
      title: fields.name ?? facts.name,
      description:
        fields.description ??
        `${facts.engine || 'KubeAI'} model ${facts.url} in ${location.title}`,
      annotations,
      tags: [...new Set(tags)],
      links: huggingFaceId
        ? [
            {
              url: `https://huggingface.co/${huggingFaceId}`,
              title: 'Hugging Face',
            },
          ]
        : [],
    },
    spec: withoutUndefined(spec),
  };
}

function withoutUndefined<T extends object>(value: T): Record<string, any> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  );
}
