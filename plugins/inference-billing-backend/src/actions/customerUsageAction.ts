import { authorize } from '@internal/backstage-plugin-inference-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { inferenceUsageReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import type { UsageService } from '../services/UsageService';

/**
 * Registers the read-only action `get-customer-usage` (for MCP clients):
 * a customer's usage totals per model over [start_date, end_date), from the
 * ledger's rollups. Needs `inference.usage.read`.
 */
export function registerCustomerUsageAction(deps: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  usage: UsageService;
}) {
  deps.actionsRegistry.register({
    name: 'get-customer-usage',
    title: 'Get usage for a customer',
    description:
      'Usage totals of one Bifrost customer of one location per model (requests, prompt and completion tokens, cost in USD as an exact decimal string) over the UTC days in [start_date, end_date), end exclusive, at most 366 days.',
    visibilityPermission: inferenceUsageReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          location: z
            .string()
            .regex(/^[a-z0-9-]{1,63}$/)
            .describe('The location, e.g. local'),
          customerId: z
            .string()
            .min(1)
            .max(128)
            .describe('Bifrost customer id'),
          start_date: z
            .string()
            .max(40)
            .describe('First day, ISO 8601 date (YYYY-MM-DD), inclusive'),
          end_date: z
            .string()
            .max(40)
            .describe('Last day, ISO 8601 date (YYYY-MM-DD), exclusive'),
        }),
      output: z =>
        z.object({
          location: z.string(),
          customerId: z.string(),
          start_date: z.string(),
          end_date: z.string(),
          currency: z.literal('USD'),
          models: z.array(
            z.object({
              model: z.string(),
              requests: z.number(),
              promptTokens: z.number(),
              completionTokens: z.number(),
              cost: z.string(),
              unpriced: z.boolean(),
            }),
          ),
          totals: z.object({
            requests: z.number(),
            promptTokens: z.number(),
            completionTokens: z.number(),
            cost: z.string(),
          }),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize({
        permissions: deps.permissions,
        credentials,
        checks: [{ permission: inferenceUsageReadPermission }],
      });
      const result = await deps.usage.totals({
        location: input.location,
        customer: input.customerId,
        start_date: input.start_date,
        end_date: input.end_date,
      });
      return {
        output: {
          location: input.location,
          customerId: input.customerId,
          start_date: result.start_date,
          end_date: result.end_date,
          currency: 'USD' as const,
          models: result.items.map(i => ({
            model: i.model,
            requests: i.requests,
            promptTokens: i.promptTokens,
            completionTokens: i.completionTokens,
            cost: i.cost,
            unpriced: i.unpriced,
          })),
          totals: result.totals,
        },
      };
    },
  });
}
