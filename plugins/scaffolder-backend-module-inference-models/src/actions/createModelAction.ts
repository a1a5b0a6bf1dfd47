import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  inferenceModelCreatePermission,
  inferenceModelUpdatePermission,
  modelEntityRef,
  OPENROUTER_ANNOTATION,
  OPENROUTER_QUANTIZATIONS,
  OPENROUTER_SAMPLING_PARAMETERS,
  OPENROUTER_SUPPORTED_FEATURES,
} from '@internal/backstage-plugin-inference-models-common';
import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import {
  authorize,
  findModel,
  kubeFor,
  locationInput,
  nameInput,
  priceInput,
  refreshCatalog,
  waitForReady,
  type ModelActionsOptions,
} from './common';
import { createModelExamples } from './createModelAction.examples';
import {
  buildModel,
  ENGINES,
  FEATURES,
  MAX_GPUS_PER_REPLICA,
  MAX_REPLICAS,
  modelDifferences,
  OWNED_SPEC,
  validateModelSpec,
  validateModelTransition,
  validateProfiles,
} from './modelSpec';

/**
 * The spec a replace (`update: true`) sends: the desired owned fields, the
 * existing others. `spec.replicas` stays what KubeAI's autoscaler set unless
 * the input pins it; an owned field the input leaves out is removed (CRD
 * defaults then apply again).
 */
function replacementSpec(
  existing: ModelResource['spec'],
  desired: ModelResource['spec'],
): ModelResource['spec'] {
  const spec: ModelResource['spec'] = { ...existing };
  const owned = [
    ...OWNED_SPEC,
    'targetRequests',
    'scaleDownDelaySeconds',
    'loadBalancing',
    'autoscalingDisabled',
  ] as const;
  for (const key of owned) {
    if (desired[key] === undefined) {
      delete spec[key];
    } else {
      (spec as Record<string, unknown>)[key] = desired[key];
    }
  }
  if (desired.autoscalingDisabled) {
    spec.replicas = desired.replicas;
  }
  return spec;
}

/** `inference:model:create`. */
export function createModelCreateAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:create',
    description:
      'Creates a KubeAI Model with its openrouter.ai/json listing in a location; a no-op when it exists unchanged.',
    supportsDryRun: true,
    examples: createModelExamples,
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
            .describe(
              'Fixed replicas: turns KubeAI autoscaling off (autoscalingDisabled); omit to let the autoscaler set it between min and max',
            ),
        args: z =>
          z.array(z.string()).optional().describe('Model server arguments'),
        env: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe('Environment variables of the model server'),
        envFrom: z =>
          z
            .array(z.record(z.string(), z.unknown()))
            .optional()
            .describe(
              'Env of the model server from Secrets/ConfigMaps (Kubernetes EnvFromSource)',
            ),
        cacheProfile: z =>
          z
            .string()
            .optional()
            .describe(
              "KubeAI cache profile the location's KubeAI defines (hf, s3, gs, oss sources)",
            ),
        image: z =>
          z
            .string()
            .optional()
            .describe('Model server image (default: from the profile)'),
        adapters: z =>
          z
            .array(
              z.object({
                name: z
                  .string()
                  .regex(/^[a-z0-9-]+$/)
                  .max(63),
                url: z.string(),
              }),
            )
            .optional()
            .describe(
              'LoRA adapters (VLLM); clients address them as <name>_<adapter>',
            ),
        files: z =>
          z
            .array(
              z.object({
                path: z.string().max(1024),
                content: z.string().max(100000),
              }),
            )
            .max(10)
            .optional()
            .describe('Files mounted in the model Pods'),
        targetRequests: z =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe(
              'Active requests per replica the autoscaler aims at (default 100)',
            ),
        scaleDownDelaySeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('Seconds before the autoscaler scales down (default 30)'),
        loadBalancing: z =>
          z
            .object({
              strategy: z.enum(['LeastLoad', 'PrefixHash']).optional(),
              prefixHash: z
                .object({
                  meanLoadFactor: z.number().int().min(100).optional(),
                  replication: z.number().int().min(1).optional(),
                  prefixCharLength: z.number().int().min(1).optional(),
                })
                .optional(),
            })
            .optional()
            .describe('KubeAI load balancing (default LeastLoad)'),
        priorityClassName: z =>
          z
            .string()
            .optional()
            .describe('PriorityClass of the model Pods (must exist)'),
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
      // The profiles the location's KubeAI really defines (its ConfigMap).
      const kubeai = await kube.getSystemConfig();
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
            spec: replacementSpec(existing.spec, model.spec),
          };
          delete replacement.status;
          validateModelTransition(existing.spec, replacement.spec);
          validateModelSpec(input.name, replacement.spec);
          validateProfiles(input.location, replacement.spec, kubeai);
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
      } else {
        validateProfiles(input.location, model.spec, kubeai);
        if (ctx.isDryRun) {
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
