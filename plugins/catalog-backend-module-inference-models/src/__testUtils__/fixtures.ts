import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import type {
  InferenceLocation,
  KubeAiSystemConfig,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';

/**
 * The KubeAI Model files (upstream's, kept byte for byte) stay beside the
 * plugin's tests, where the emulators' kubectl tests read them too.
 */
const MODEL_FILES = path.resolve(
  __dirname,
  '../../../inference-models-backend/src/__testUtils__',
);

const read = (file: string) =>
  yaml.load(fs.readFileSync(path.join(MODEL_FILES, file), 'utf8'));

/** A location as readInferenceLocations returns it. */
export function testLocation(
  overrides: Partial<InferenceLocation> = {},
): InferenceLocation {
  return {
    name: 'stalpeni',
    title: 'Stalpeni (RO)',
    domain: 'stalpeni.inferencebros.com',
    countryCode: 'RO',
    cluster: 'stalpeni-k3s',
    kubeaiNamespace: 'kubeai',
    bifrost: { baseUrl: 'https://bifrost.stalpeni.inferencebros.com/' },
    billing: { currency: 'EUR', invoiceDay: 2 },
    servers: [],
    network: {},
    ...overrides,
  };
}

/** The README's example Model (vLLM), verbatim. */
export function readmeModel(): ModelResource {
  return read('seed-readme-model.yaml') as ModelResource;
}

/** The README's Ollama variant of the same Model, as its comments describe it. */
export function readmeOllamaModel(): ModelResource {
  const model = readmeModel();
  const { args: _args, cacheProfile: _cache, ...spec } = model.spec;
  return {
    ...model,
    spec: {
      ...spec,
      engine: 'OLlama',
      url: 'ollama://hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:qwen2.5-0.5b-instruct-q4_k_m.gguf',
    },
  };
}

/**
 * Every entry of KubeAI's model catalog chart rendered as a Model CR the way
 * charts/models/templates/models.yaml does (minReplicas defaults to 0).
 */
export function kubeAiCatalogModels(namespace = 'kubeai'): ModelResource[] {
  const { catalog } = read('kubeai-models-catalog.yaml') as {
    catalog: Record<string, Record<string, unknown>>;
  };
  return Object.entries(catalog).map(([name, entry]) => ({
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name, namespace },
    spec: {
      ...entry,
      minReplicas: (entry.minReplicas as number | undefined) ?? 0,
    } as ModelResource['spec'],
  }));
}

const policy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

/**
 * Checks an entity the way the catalog does before storing it: the default
 * entity policies and the kind's schema. Throws a message naming the problem.
 */
export async function validateEntity(entity: Entity): Promise<void> {
  await policy.enforce(entity);
  const validator =
    entity.kind === 'API'
      ? apiEntityV1alpha1Validator
      : resourceEntityV1alpha1Validator;
  if (!(await validator.check(entity))) {
    throw new Error(`${entity.kind} validator did not accept the entity`);
  }
}

const gpuProfile = (resource: string, count = '1') => ({
  imageName: 'nvidia-gpu',
  limits: { [resource]: count },
  requests: { [resource]: count },
});

/**
 * The resource profiles of KubeAI v0.22.1's chart values
 * (charts/kubeai/values.yaml), as its `kubeai-config` ConfigMap holds them.
 */
export function chartKubeAiConfig(): KubeAiSystemConfig {
  return {
    resourceProfiles: {
      cpu: { imageName: 'cpu', requests: { cpu: 1, memory: '2Gi' } },
      ...Object.fromEntries(
        [
          't4',
          'l4',
          'l40s',
          'h100',
          'gh200',
          'a100-80gb',
          'a100-40gb',
          'a16',
          'rtx4070-8gb',
        ].map(g => [`nvidia-gpu-${g}`, gpuProfile('nvidia.com/gpu')]),
      ),
      'amd-gpu-mi300x': gpuProfile('amd.com/gpu'),
    },
    cacheProfiles: {},
  };
}

/** The seeds' profiles (one GPU per unit) and their Longhorn cache profile. */
export function seedsKubeAiConfig(): KubeAiSystemConfig {
  return {
    resourceProfiles: {
      'nvidia-unlimited': gpuProfile('nvidia.com/gpu'),
      'nvidia-older-unlimited': gpuProfile('nvidia.com/gpu'),
      'amd-unlimited': gpuProfile('amd.com/gpu'),
      'cpu-unlimited': { imageName: 'cpu' },
      'cpu-avx2-unlimited': { imageName: 'cpu' },
    },
    cacheProfiles: {
      storage: { sharedFilesystem: { storageClassName: 'longhorn' } },
    },
  };
}
