import { authorize } from '@internal/backstage-plugin-inference-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  inferenceModelReadPermission,
  type ModelListResponse,
} from '@internal/backstage-plugin-inference-models-common';
import type { ModelService } from '../services/ModelService';

/**
 * Registers the read-only action `list-models` (for MCP clients through
 * Backstage's actions registry): the KubeAI Models of every location (or
 * one), filtered like `GET /models`, with per-location errors. Needs
 * `inference.model.read`.
 */
export function registerListModelsAction(deps: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  models: ModelService;
}) {
  deps.actionsRegistry.register({
    name: 'list-models',
    title: 'List inference models',
    description:
      'KubeAI Models deployed in the inference locations, with engine, status (replicas ready/desired), GPUs, prices per token (USD, exact decimal strings) and context length. Filters: location, feature, engine, text. Locations that cannot be reached are listed in `errors`.',
    visibilityPermission: inferenceModelReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          location: z
            .string()
            .regex(/^[a-z0-9-]{1,63}$/)
            .optional()
            .describe('Only this location, e.g. local'),
          feature: z
            .enum([
              'TextGeneration',
              'TextEmbedding',
              'Reranking',
              'SpeechToText',
            ])
            .optional(),
          engine: z
            .enum(['OLlama', 'VLLM', 'FasterWhisper', 'Infinity'])
            .optional(),
          q: z
            .string()
            .max(200)
            .optional()
            .describe('Case-insensitive text in the name or URL'),
          limit: z.number().int().min(1).max(1000).default(100),
        }),
      output: z =>
        z.object({
          total: z.number(),
          models: z.array(
            z.object({
              location: z.string(),
              name: z.string(),
              engine: z.string(),
              url: z.string(),
              features: z.array(z.string()),
              status: z.string(),
              replicasReady: z.number(),
              replicasDesired: z.number(),
              gpuCount: z.number().optional(),
              promptPricePerToken: z.string().optional(),
              completionPricePerToken: z.string().optional(),
              contextLength: z.number().optional(),
              warnings: z.array(z.string()),
            }),
          ),
          errors: z.array(
            z.object({
              location: z.string(),
              system: z.string(),
              message: z.string(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize({
        permissions: deps.permissions,
        credentials,
        checks: [{ permission: inferenceModelReadPermission }],
      });
      const { limit, ...filter } = input;
      const list: ModelListResponse = await deps.models.list(filter);
      return {
        output: {
          total: list.items.length,
          models: list.items.slice(0, limit).map(m => ({
            location: m.location,
            name: m.name,
            engine: m.engine,
            url: m.url,
            features: m.features,
            status: m.status,
            replicasReady: m.replicas.ready,
            replicasDesired: m.replicas.desired,
            gpuCount: m.gpuCount,
            promptPricePerToken: m.pricing?.prompt,
            completionPricePerToken: m.pricing?.completion,
            contextLength: m.contextLength,
            warnings: m.warnings,
          })),
          errors: list.errors.map(e => ({
            location: e.location,
            system: e.system,
            message: e.message,
          })),
        },
      };
    },
  });
}
