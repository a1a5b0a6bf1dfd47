import { InputError } from '@backstage/errors';
import {
  OPENROUTER_ANNOTATION,
  per1MToPerToken,
  openRouterListingSchema,
  type OpenRouterListing,
} from '@internal/backstage-plugin-inference-models-common';
import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import { validateKubeAiFields, withCrdDefaults } from './kubeaiRules';

export { validateProfiles, withCrdDefaults } from './kubeaiRules';
import Decimal from 'decimal.js';

/** Exact decimal arithmetic: prices never go through binary floats. */
const Exact = Decimal.clone({ precision: 100, toExpNeg: -100, toExpPos: 100 });

export const MODEL_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MODEL_NAME_MAX = 40;
export const LOCATION_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const HF_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
export const OLLAMA_REF = /^[A-Za-z0-9][\w.\-/:]*$/;
export const ENGINES = ['VLLM', 'OLlama', 'FasterWhisper', 'Infinity'] as const;
export const FEATURES = [
  'TextGeneration',
  'TextEmbedding',
  'Reranking',
  'SpeechToText',
] as const;
/**
 * Upper bounds that catch typos before KubeAI acts on them: a location runs
 * a handful of GPUs per node and tens of replicas, never millions.
 */
export const MAX_REPLICAS = 100;
export const MAX_GPUS_PER_REPLICA = 16;

export const URL_SCHEMES = ['hf', 'pvc', 'ollama', 's3', 'gs', 'oss'] as const;

export type Engine = (typeof ENGINES)[number];
export type Feature = (typeof FEATURES)[number];

/**
 * Converts a price per 1M tokens (decimal string or number >= 0) into the
 * exact per-token decimal string OpenRouter expects: 8 -> "0.000008".
 * Throws an InputError naming `field` for anything else.
 */
export function perTokenPrice(field: string, per1M: string | number): string {
  if (typeof per1M === 'number' && (!Number.isFinite(per1M) || per1M < 0)) {
    throw new InputError(`${field}: must be a number >= 0`);
  }
  const perToken = per1MToPerToken(
    typeof per1M === 'number' ? new Exact(per1M).toFixed() : per1M,
  );
  if (perToken === undefined) {
    throw new InputError(
      `${field}: must be a non-negative decimal such as "8" or "0.15"`,
    );
  }
  return perToken;
}

/** Input of `inference:model:create`, after the scaffolder's schema check. */
export interface CreateModelInput {
  location: string;
  name: string;
  source: string;
  engine: Engine;
  features?: Feature[];
  resourceProfile: string;
  gpuCount?: number;
  minReplicas?: number;
  maxReplicas?: number;
  replicas?: number;
  args?: string[];
  env?: Record<string, string>;
  envFrom?: ModelResource['spec']['envFrom'];
  cacheProfile?: string;
  image?: string;
  adapters?: ModelResource['spec']['adapters'];
  files?: ModelResource['spec']['files'];
  targetRequests?: number;
  scaleDownDelaySeconds?: number;
  loadBalancing?: ModelResource['spec']['loadBalancing'];
  priorityClassName?: string;
  promptPricePer1M: string | number;
  completionPricePer1M: string | number;
  contextLength: number;
  maxOutputLength: number;
  quantization: string;
  supportedFeatures?: string[];
  supportedSamplingParameters?: string[];
  displayName?: string;
  description?: string;
  countryCode?: string;
}

/** `hf://org/model` or `ollama://ref` from a source and engine. */
export function modelUrl(source: string, engine: Engine): string {
  const s = source.trim();
  const scheme = /^([a-z0-9]+):\/\/(.*)$/.exec(s);
  if (scheme) {
    const [, name, rest] = scheme;
    if (!(URL_SCHEMES as readonly string[]).includes(name) || !rest) {
      throw new InputError(
        `source: URL scheme must be one of ${URL_SCHEMES.join(', ')}`,
      );
    }
    if (name === 'hf' && !HF_ID.test(rest.split('?')[0])) {
      throw new InputError('source: must be a Hugging Face id org/model');
    }
    return s;
  }
  if (engine === 'OLlama') {
    if (!OLLAMA_REF.test(s)) {
      throw new InputError('source: must be an Ollama model reference');
    }
    return `ollama://${s}`;
  }
  if (!HF_ID.test(s)) {
    throw new InputError('source: must be a Hugging Face id org/model');
  }
  return `hf://${s}`;
}

function modalities(features: Feature[]): {
  input: OpenRouterListing['input_modalities'];
  output: OpenRouterListing['output_modalities'];
} {
  const input = new Set<OpenRouterListing['input_modalities'][number]>();
  const output = new Set<OpenRouterListing['output_modalities'][number]>();
  for (const f of features) {
    if (f === 'SpeechToText') {
      input.add('audio');
      output.add('transcription');
    } else {
      input.add('text');
      const out = { TextEmbedding: 'embeddings', Reranking: 'rerank' } as const;
      output.add(f in out ? out[f as keyof typeof out] : 'text');
    }
  }
  return { input: [...input], output: [...output] };
}

/**
 * KubeAI's transition rules for replacing a Model (`oldSelf` in the CRD):
 * with a cacheProfile the url is immutable, and a cacheProfile never changes.
 * Checked before anything is sent; errors name the input field.
 */
export function validateModelTransition(
  before: ModelResource['spec'],
  after: ModelResource['spec'],
): void {
  if (before.cacheProfile && after.url !== before.url) {
    throw new InputError(
      `source: the Model uses cacheProfile ${before.cacheProfile}, so its source (${before.url}) cannot change; retire it and create a new one`,
    );
  }
  if (
    before.cacheProfile &&
    after.cacheProfile &&
    after.cacheProfile !== before.cacheProfile
  ) {
    throw new InputError(
      `cacheProfile: cannot change from ${before.cacheProfile} (KubeAI: cacheProfile is immutable)`,
    );
  }
  const replication = (s: ModelResource['spec']) =>
    withCrdDefaults(s).loadBalancing.prefixHash.replication;
  if (replication(after) !== replication(before)) {
    throw new InputError(
      `loadBalancing.prefixHash.replication: cannot change from ${replication(
        before,
      )} (KubeAI: replication is immutable)`,
    );
  }
}

/**
 * KubeAI's CRD rules (reference 2.1), checked before anything is sent so a
 * rejected input creates nothing. Errors name the input field.
 */
export function validateModelSpec(
  name: string,
  spec: ModelResource['spec'],
): void {
  if (name.length > MODEL_NAME_MAX) {
    throw new InputError(`name: must be at most ${MODEL_NAME_MAX} characters`);
  }
  if (!MODEL_NAME.test(name)) {
    throw new InputError(
      'name: must be a DNS label (lower-case letters, digits and -)',
    );
  }
  const min = spec.minReplicas ?? 0;
  const max = spec.maxReplicas;
  for (const [field, value] of [
    ['minReplicas', spec.minReplicas],
    ['maxReplicas', spec.maxReplicas],
    ['replicas', spec.replicas],
  ] as const) {
    if (value !== undefined && value > MAX_REPLICAS) {
      throw new InputError(`${field}: must be at most ${MAX_REPLICAS}`);
    }
  }
  if (min < 0) {
    throw new InputError('minReplicas: must be >= 0');
  }
  if (max !== undefined && max < 1) {
    throw new InputError('maxReplicas: must be >= 1');
  }
  if (max !== undefined && min > max) {
    throw new InputError('minReplicas: must be <= maxReplicas');
  }
  if (
    spec.replicas !== undefined &&
    (spec.replicas < min || (max !== undefined && spec.replicas > max))
  ) {
    throw new InputError(
      'replicas: must be between minReplicas and maxReplicas',
    );
  }
  const scheme = spec.url.split('://')[0];
  if (spec.cacheProfile && !['hf', 's3', 'gs', 'oss'].includes(scheme)) {
    throw new InputError(
      'cacheProfile: only allowed with hf://, s3://, gs:// or oss:// sources',
    );
  }
  if ((scheme === 'gs' || scheme === 'oss') && !spec.cacheProfile) {
    throw new InputError(`cacheProfile: required with ${scheme}:// sources`);
  }
  const adapters = spec.adapters as unknown[] | undefined;
  if (adapters && adapters.length > 0 && spec.engine !== 'VLLM') {
    throw new InputError('adapters: only allowed with engine VLLM');
  }
  if (scheme === 'ollama' && spec.engine !== 'OLlama') {
    throw new InputError('engine: ollama:// sources need engine OLlama');
  }
  validateKubeAiFields(spec);
}

/** The Model CR for a create input, validated; `created` is unix seconds. */
export function buildModel(
  input: CreateModelInput,
  created: number,
): { model: ModelResource; listing: OpenRouterListing } {
  if (input.name.length > MODEL_NAME_MAX || !MODEL_NAME.test(input.name)) {
    validateModelSpec(input.name, {} as ModelResource['spec']);
  }
  const url = modelUrl(input.source, input.engine);
  const features = input.features?.length
    ? input.features
    : (['TextGeneration'] as Feature[]);
  const gpuCount = input.gpuCount ?? 1;
  if (!Number.isInteger(gpuCount) || gpuCount < 1) {
    throw new InputError('gpuCount: must be an integer >= 1');
  }
  if (gpuCount > MAX_GPUS_PER_REPLICA) {
    throw new InputError(`gpuCount: must be at most ${MAX_GPUS_PER_REPLICA}`);
  }
  const spec: ModelResource['spec'] = {
    url,
    engine: input.engine,
    features,
    resourceProfile: `${input.resourceProfile}:${gpuCount}`,
    minReplicas: input.minReplicas ?? 0,
    maxReplicas: input.maxReplicas ?? 1,
    // A fixed replica count needs autoscaling off: KubeAI's autoscaler owns
    // spec.replicas otherwise.
    ...(input.replicas !== undefined
      ? { replicas: input.replicas, autoscalingDisabled: true }
      : {}),
    ...(input.args?.length ? { args: input.args } : {}),
    ...(input.env && Object.keys(input.env).length ? { env: input.env } : {}),
    ...(input.envFrom?.length ? { envFrom: input.envFrom } : {}),
    ...(input.cacheProfile ? { cacheProfile: input.cacheProfile } : {}),
    ...(input.image ? { image: input.image } : {}),
    ...(input.adapters?.length ? { adapters: input.adapters } : {}),
    ...(input.files?.length ? { files: input.files } : {}),
    ...(input.targetRequests !== undefined
      ? { targetRequests: input.targetRequests }
      : {}),
    ...(input.scaleDownDelaySeconds !== undefined
      ? { scaleDownDelaySeconds: input.scaleDownDelaySeconds }
      : {}),
    ...(input.loadBalancing ? { loadBalancing: input.loadBalancing } : {}),
    ...(input.priorityClassName
      ? { priorityClassName: input.priorityClassName }
      : {}),
  };
  validateModelSpec(input.name, spec);

  const { input: inMods, output: outMods } = modalities(features);
  const candidate = {
    id: input.name,
    hugging_face_id: url.startsWith('hf://')
      ? url.slice('hf://'.length).split('?')[0]
      : '',
    name: input.displayName || input.name,
    created,
    input_modalities: inMods,
    output_modalities: outMods,
    quantization: input.quantization,
    context_length: input.contextLength,
    max_output_length: input.maxOutputLength,
    pricing: {
      prompt: perTokenPrice('promptPricePer1M', input.promptPricePer1M),
      completion: perTokenPrice(
        'completionPricePer1M',
        input.completionPricePer1M,
      ),
    },
    supported_sampling_parameters: input.supportedSamplingParameters ?? [
      'temperature',
      'top_p',
      'stop',
      'seed',
      'max_tokens',
    ],
    supported_features: input.supportedFeatures ?? [],
    ...(input.description ? { description: input.description } : {}),
    ...(input.countryCode
      ? { datacenters: [{ country_code: input.countryCode }] }
      : {}),
  };
  const parsed = openRouterListingSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      {
        context_length: 'contextLength',
        max_output_length: 'maxOutputLength',
        quantization: 'quantization',
        supported_features: 'supportedFeatures',
        supported_sampling_parameters: 'supportedSamplingParameters',
        datacenters: 'countryCode',
      }[String(issue.path[0])] ??
      `${OPENROUTER_ANNOTATION}.${issue.path.join('.')}`;
    throw new InputError(`${field}: ${issue.message}`);
  }
  const listing = parsed.data;
  const model: ModelResource = {
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: {
      name: input.name,
      // The entity's Kubernetes tab selects model=<name>: KubeAI puts that
      // label on the Model's Pods but not on the Model itself.
      labels: { model: input.name },
      annotations: {
        [OPENROUTER_ANNOTATION]: JSON.stringify(listing, null, 2),
      },
    },
    spec,
  };
  return { model, listing };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(k => deepEqual((a as any)[k], (b as any)[k]))
  );
}

/**
 * Spec fields the create action owns. `replicas` is owned only when pinned
 * (autoscalingDisabled); otherwise KubeAI's controller and autoscaler write
 * it. Fields with CRD defaults are compared through `withCrdDefaults`.
 */
export const OWNED_SPEC = [
  'url',
  'engine',
  'features',
  'resourceProfile',
  'minReplicas',
  'maxReplicas',
  'args',
  'env',
  'envFrom',
  'cacheProfile',
  'image',
  'adapters',
  'files',
  'priorityClassName',
] as const;

const DEFAULTED_SPEC = [
  'targetRequests',
  'scaleDownDelaySeconds',
  'autoscalingDisabled',
  'loadBalancing',
] as const;

/**
 * Whether an existing Model already is the desired one: the owned spec
 * fields and the annotation's listing apart from `created`. Returns the
 * names of the differing fields.
 */
export function modelDifferences(
  existing: ModelResource,
  desired: ModelResource,
): string[] {
  const diffs: string[] = OWNED_SPEC.filter(
    k => !deepEqual(existing.spec?.[k], desired.spec[k]),
  ).map(k => `spec.${k}`);
  const before = withCrdDefaults(existing.spec ?? ({} as any));
  const after = withCrdDefaults(desired.spec);
  diffs.push(
    ...DEFAULTED_SPEC.filter(k => !deepEqual(before[k], after[k])).map(
      k => `spec.${k}`,
    ),
  );
  if (
    desired.spec.autoscalingDisabled &&
    existing.spec?.replicas !== desired.spec.replicas
  ) {
    diffs.push('spec.replicas');
  }
  const listing = (m: ModelResource) => {
    try {
      const { created: _created, ...rest } = JSON.parse(
        m.metadata.annotations?.[OPENROUTER_ANNOTATION] ?? 'null',
      );
      return rest;
    } catch {
      return undefined;
    }
  };
  if (!deepEqual(listing(existing), listing(desired))) {
    diffs.push(`annotation ${OPENROUTER_ANNOTATION}`);
  }
  return diffs;
}
