import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  inferenceModelCreatePermission,
  inferenceModelDeletePermission,
  inferenceModelUpdatePermission,
  INFERENCE_MODEL_RESOURCE_TYPE,
  modelPermissionRef,
  DECIMAL_STRING,
  modelEntityRef,
  OPENROUTER_ANNOTATION,
  OPENROUTER_QUANTIZATIONS,
  OPENROUTER_SAMPLING_PARAMETERS,
  OPENROUTER_SUPPORTED_FEATURES,
} from '@internal/backstage-plugin-inference-models-common';
import type {
  InferenceLocationsService,
  KubeAiClient,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';
import type { ModelCatalogRefreshService } from '../catalog/refreshService';
import {
  buildModel,
  ENGINES,
  FEATURES,
  LOCATION_NAME,
  MODEL_NAME,
  MODEL_NAME_MAX,
  modelDifferences,
  MAX_GPUS_PER_REPLICA,
  MAX_REPLICAS,
  validateModelSpec,
  validateModelTransition,
} from './modelSpec';

/** Dependencies of the inference-models scaffolder actions. */
export interface ModelActionsOptions {
  locations: InferenceLocationsService;
  permissions: PermissionsService;
  /** Refreshes a location's catalog entities after a change, when present. */
  catalogRefresh?: ModelCatalogRefreshService;
  /** Poll interval of `waitForReady`, ms (default 5000). */
  pollIntervalMs?: number;
  /** Clock in unix seconds, for the listing's `created` (tests). */
  now?: () => number;
}

export const MODEL_ACTION_IDS = [
  'inference:model:create',
  'inference:model:scale',
  'inference:model:delete',
] as const;

/**
 * The Model permissions are resource permissions (`<location>/<name>`): a
 * policy may allow them only in some locations (conditional decision, rule
 * IS_IN_LOCATION).
 */
async function authorize(
  options: ModelActionsOptions,
  credentials: BackstageCredentials,
  permissions: ResourcePermission<typeof INFERENCE_MODEL_RESOURCE_TYPE>[],
  model: { location: string; name: string },
) {
  const resourceRef = modelPermissionRef(model.location, model.name);
  const decisions = await options.permissions.authorize(
    permissions.map(permission => ({ permission, resourceRef })),
    { credentials },
  );
  decisions.forEach((decision, i) => {
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Permission ${permissions[i].name} is required`,
      );
    }
  });
}

function kubeFor(options: ModelActionsOptions, location: string) {
  try {
    return options.locations.kubeAi(location);
  } catch (e) {
    throw new InputError(`location: ${(e as Error).message}`);
  }
}

async function findModel(
  kube: KubeAiClient,
  name: string,
): Promise<ModelResource | undefined> {
  try {
    return await kube.getModel(name);
  } catch (e) {
    if ((e as { status?: number }).status === 404) {
      return undefined;
    }
    throw e;
  }
}

async function refreshCatalog(
  options: ModelActionsOptions,
  location: string,
  logger: LoggerService,
) {
  if (!options.catalogRefresh) {
    return;
  }
  try {
    await options.catalogRefresh.refresh(location);
  } catch (e) {
    logger.warn(
      `Catalog refresh of location ${location} failed, the next scheduled run will pick up the change: ${
        (e as Error).message
      }`,
    );
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitForReady(
  options: ModelActionsOptions,
  kube: KubeAiClient,
  name: string,
  wanted: number,
  timeoutSeconds: number,
  logger: LoggerService,
): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const model = await kube.getModel(name);
    const ready = model.status?.replicas?.ready ?? 0;
    if (ready >= wanted) {
      return ready;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Model ${name}: ${ready} of ${wanted} replicas ready after ${timeoutSeconds} s; it is created, check its pods`,
      );
    }
    logger.info(`Model ${name}: ${ready}/${wanted} replicas ready, waiting`);
    await sleep(options.pollIntervalMs ?? 5000);
  }
}

const locationInput = (z: any) =>
  z
    .string()
    .regex(LOCATION_NAME, 'must be a location name ([a-z0-9-])')
    .describe('Location (cluster) of the model');
const nameInput = (z: any) =>
  z
    .string()
    .max(MODEL_NAME_MAX)
    .regex(MODEL_NAME, 'must be a DNS label')
    .describe(
      `Model name: DNS label of at most ${MODEL_NAME_MAX} characters, also the API model id`,
    );
const priceInput = (z: any, what: string) =>
  z
    .union([
      z.string().regex(DECIMAL_STRING, 'must be a decimal such as "0.15"'),
      z.number().nonnegative(),
    ])
    .describe(`Price per 1M ${what} tokens (USD), e.g. 0.15`);

/** `inference:model:create`. */
export function createModelCreateAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:create',
    description:
      'Creates a KubeAI Model with its openrouter.ai/json listing in a location; a no-op when it exists unchanged.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Qwen 2.5 0.5B on vLLM with one older NVIDIA GPU',
        example: [
          'steps:',
          '  - id: create',
          '    action: inference:model:create',
          '    input:',
          '      location: local',
          '      name: qwen25-05b-instruct',
          '      source: Qwen/Qwen2.5-0.5B-Instruct',
          '      engine: VLLM',
          '      resourceProfile: nvidia-older-unlimited',
          '      gpuCount: 1',
          '      minReplicas: 1',
          '      maxReplicas: 1',
          '      promptPricePer1M: "8"',
          '      completionPricePer1M: "24"',
          '      contextLength: 4096',
          '      maxOutputLength: 1024',
          '      quantization: bf16',
          '',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        location: z => locationInput(z),
        name: z => nameInput(z),
        source: z =>
          z
            .string()
            .min(1)
            .describe(
              'Hugging Face id org/model (vLLM, Infinity, FasterWhisper), Ollama reference (OLlama) or a full KubeAI URL such as hf://org/model',
            ),
        engine: z => z.enum(ENGINES).describe('Model server'),
        features: z =>
          z
            .array(z.enum(FEATURES))
            .optional()
            .describe('KubeAI features (default TextGeneration)'),
        resourceProfile: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a profile name')
            .describe('KubeAI resource profile name, without the count'),
        gpuCount: z =>
          z
            .number()
            .int()
            .min(1)
            .max(MAX_GPUS_PER_REPLICA)
            .optional()
            .describe('Resource profile multiplier, e.g. GPUs (default 1)'),
        minReplicas: z =>
          z
            .number()
            .int()
            .min(0)
            .max(MAX_REPLICAS)
            .optional()
            .describe('Default 0'),
        maxReplicas: z =>
          z
            .number()
            .int()
            .min(1)
            .max(MAX_REPLICAS)
            .optional()
            .describe('Default 1'),
        replicas: z =>
          z
            .number()
            .int()
            .min(0)
            .max(MAX_REPLICAS)
            .optional()
            .describe('Pinned replicas (the autoscaler manages it otherwise)'),
        args: z =>
          z.array(z.string()).optional().describe('Model server arguments'),
        env: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe('Environment variables of the model server'),
        cacheProfile: z =>
          z
            .string()
            .optional()
            .describe('KubeAI cache profile (Hugging Face sources only)'),
        promptPricePer1M: z => priceInput(z, 'prompt'),
        completionPricePer1M: z => priceInput(z, 'completion'),
        contextLength: z =>
          z.number().int().positive().describe('Context window, tokens'),
        maxOutputLength: z =>
          z.number().int().positive().describe('Longest output, tokens'),
        quantization: z =>
          z.enum(OPENROUTER_QUANTIZATIONS).describe('Weights precision'),
        supportedFeatures: z =>
          z
            .array(z.enum(OPENROUTER_SUPPORTED_FEATURES))
            .optional()
            .describe('OpenRouter features, e.g. tools, json_mode'),
        supportedSamplingParameters: z =>
          z.array(z.enum(OPENROUTER_SAMPLING_PARAMETERS)).optional(),
        displayName: z =>
          z.string().optional().describe('Human-readable name in the listing'),
        description: z => z.string().optional(),
        countryCode: z =>
          z
            .string()
            .regex(/^[A-Z]{2}$/)
            .optional()
            .describe('Datacenter country, ISO 3166-1 alpha-2, e.g. RO'),
        update: z =>
          z
            .boolean()
            .optional()
            .describe('Replace an existing different Model (default false)'),
        waitForReady: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until minReplicas (at least 1) replicas are ready'),
        waitTimeoutSeconds: z =>
          z.number().int().positive().optional().describe('Default 900'),
      },
      output: {
        entityRef: z => z.string().describe('Catalog entity of the model'),
        name: z => z.string(),
        promptPrice: z => z.string().describe('Per-token prompt price'),
        completionPrice: z => z.string().describe('Per-token completion price'),
        changed: z =>
          z
            .enum(['created', 'replaced', 'unchanged', 'none'])
            .describe('What happened (none in a dry run)'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      await authorize(
        options,
        await ctx.getInitiatorCredentials(),
        [
          inferenceModelCreatePermission,
          ...(input.update ? [inferenceModelUpdatePermission] : []),
        ],
        input,
      );
      const kube = kubeFor(options, input.location);
      const now = options.now?.() ?? Math.floor(Date.now() / 1000);
      const { model, listing } = buildModel(input, now);
      const existing = await findModel(kube, input.name);
      let changed: 'created' | 'replaced' | 'unchanged' | 'none' = 'none';
      if (existing) {
        const diffs = modelDifferences(existing, model);
        if (diffs.length === 0) {
          changed = 'unchanged';
          ctx.logger.info(
            `Model ${input.name} in ${input.location} already exists unchanged`,
          );
        } else if (!input.update) {
          throw new ConflictError(
            `name: Model ${input.name} already exists in ${
              input.location
            } with a different ${diffs.join(
              ', ',
            )}; set update: true to replace it`,
          );
        } else {
          // Keep the listing's original creation time.
          const prior = JSON.parse(
            existing.metadata.annotations?.[OPENROUTER_ANNOTATION] ?? '{}',
          );
          const created =
            typeof prior.created === 'number' ? prior.created : listing.created;
          const replacement: ModelResource = {
            ...existing,
            metadata: {
              ...existing.metadata,
              annotations: {
                ...existing.metadata.annotations,
                [OPENROUTER_ANNOTATION]: JSON.stringify(
                  { ...listing, created },
                  null,
                  2,
                ),
              },
            },
            spec: {
              ...existing.spec,
              ...model.spec,
              replicas: model.spec.replicas,
              args: model.spec.args,
              env: model.spec.env,
            },
          };
          delete replacement.status;
          if (model.spec.cacheProfile === undefined) {
            // The action manages cacheProfile: unset means none.
            delete replacement.spec.cacheProfile;
          }
          validateModelTransition(existing.spec, replacement.spec);
          validateModelSpec(input.name, replacement.spec);
          if (ctx.isDryRun) {
            ctx.logger.info(
              `Dry run: would replace Model ${input.name} (${diffs.join(
                ', ',
              )})`,
            );
          } else {
            await ctx.checkpoint({
              key: `replace-model-${input.location}-${input.name}`,
              fn: async () => {
                await kube.replaceModel(replacement);
              },
            });
            changed = 'replaced';
            ctx.logger.info(
              `Replaced Model ${input.name} in ${input.location}`,
            );
          }
        }
      } else if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create Model ${input.name} in ${input.location}`,
        );
      } else {
        await ctx.checkpoint({
          key: `create-model-${input.location}-${input.name}`,
          fn: async () => {
            await kube.createModel(model);
          },
        });
        changed = 'created';
        ctx.logger.info(`Created Model ${input.name} in ${input.location}`);
      }
      if (changed === 'created' || changed === 'replaced') {
        await refreshCatalog(options, input.location, ctx.logger);
      }
      if (input.waitForReady && !ctx.isDryRun) {
        await waitForReady(
          options,
          kube,
          input.name,
          Math.max(1, model.spec.minReplicas ?? 0),
          input.waitTimeoutSeconds ?? 900,
          ctx.logger,
        );
      }
      ctx.output('entityRef', modelEntityRef(input.location, input.name));
      ctx.output('name', input.name);
      ctx.output('promptPrice', listing.pricing.prompt);
      ctx.output('completionPrice', listing.pricing.completion);
      ctx.output('changed', changed);
    },
  });
}

/** `inference:model:scale`. */
export function createModelScaleAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:scale',
    description:
      'Sets the replica bounds of a KubeAI Model, and optionally pins its replicas.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Keep one to three replicas of a model',
        example:
          'steps:\n  - id: scale\n    action: inference:model:scale\n    input:\n      location: local\n      name: qwen25-05b-instruct\n      minReplicas: 1\n      maxReplicas: 3\n',
      },
    ],
    schema: {
      input: {
        location: z => locationInput(z),
        name: z => nameInput(z),
        minReplicas: z => z.number().int().min(0).max(MAX_REPLICAS),
        maxReplicas: z => z.number().int().min(1).max(MAX_REPLICAS),
        replicas: z =>
          z
            .number()
            .int()
            .min(0)
            .max(MAX_REPLICAS)
            .optional()
            .describe('Pinned replicas; omitted removes a pin'),
      },
      output: {
        entityRef: z => z.string(),
        changed: z => z.boolean(),
      },
    },
    async handler(ctx) {
      const { location, name, minReplicas, maxReplicas, replicas } = ctx.input;
      await authorize(
        options,
        await ctx.getInitiatorCredentials(),
        [inferenceModelUpdatePermission],
        { location, name },
      );
      const kube = kubeFor(options, location);
      const existing = await findModel(kube, name);
      if (!existing) {
        throw new InputError(`name: no Model ${name} in location ${location}`);
      }
      validateModelSpec(name, {
        ...existing.spec,
        minReplicas,
        maxReplicas,
        replicas,
      });
      const same =
        existing.spec.minReplicas === minReplicas &&
        existing.spec.maxReplicas === maxReplicas &&
        existing.spec.replicas === replicas;
      if (same) {
        ctx.logger.info(`Model ${name} in ${location} already has that scale`);
      } else if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would scale Model ${name} to ${minReplicas}..${maxReplicas}`,
        );
      } else {
        await ctx.checkpoint({
          key: `scale-model-${location}-${name}-${minReplicas}-${maxReplicas}-${
            replicas ?? ''
          }`,
          fn: async () => {
            await kube.scaleModel(name, { minReplicas, maxReplicas, replicas });
          },
        });
        ctx.logger.info(
          `Scaled Model ${name} in ${location} to ${minReplicas}..${maxReplicas}`,
        );
        await refreshCatalog(options, location, ctx.logger);
      }
      ctx.output('entityRef', modelEntityRef(location, name));
      ctx.output('changed', !same && !ctx.isDryRun);
    },
  });
}

/** `inference:model:delete`. */
export function createModelDeleteAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:delete',
    description:
      'Deletes (retires) a KubeAI Model of a location; deleting a missing model is a no-op.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Retire a model',
        example:
          'steps:\n  - id: delete\n    action: inference:model:delete\n    input:\n      location: local\n      name: qwen25-05b-instruct\n',
      },
    ],
    schema: {
      input: {
        location: z => locationInput(z),
        name: z => nameInput(z),
      },
      output: {
        deleted: z =>
          z.boolean().describe('False when there was no such model'),
      },
    },
    async handler(ctx) {
      const { location, name } = ctx.input;
      await authorize(
        options,
        await ctx.getInitiatorCredentials(),
        [inferenceModelDeletePermission],
        { location, name },
      );
      const kube = kubeFor(options, location);
      let deleted = false;
      if (ctx.isDryRun) {
        const exists = (await findModel(kube, name)) !== undefined;
        ctx.logger.info(
          exists
            ? `Dry run: would delete Model ${name} in ${location}`
            : `Dry run: no Model ${name} in ${location}`,
        );
      } else {
        deleted = await ctx.checkpoint({
          key: `delete-model-${location}-${name}`,
          fn: async () => kube.deleteModel(name),
        });
        ctx.logger.info(
          deleted
            ? `Deleted Model ${name} in ${location}`
            : `No Model ${name} in ${location}: nothing to delete`,
        );
        if (deleted) {
          await refreshCatalog(options, location, ctx.logger);
        }
      }
      ctx.output('deleted', deleted);
    },
  });
}

/** The three inference-models scaffolder actions. */
export function createModelActions(options: ModelActionsOptions) {
  return [
    createModelCreateAction(options),
    createModelScaleAction(options),
    createModelDeleteAction(options),
  ];
}
