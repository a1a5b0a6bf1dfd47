import { authorize } from '@internal/backstage-plugin-inference-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { inferenceInvoiceReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import type { InvoiceRunService } from '../invoicing/InvoiceRunService';

/**
 * Registers the read-only action `preview-invoices` (for MCP clients): the
 * invoices a run of a location would issue for a month (dry_run=all), from
 * the ledger's daily rollups as they are. Records nothing, calls no external
 * system. Needs `inference.invoice.read`.
 */
export function registerInvoicePreviewAction(deps: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  invoiceRuns: InvoiceRunService;
}) {
  deps.actionsRegistry.register({
    name: 'preview-invoices',
    title: 'Preview invoices',
    description:
      'The invoices a monthly run of one location would issue for one calendar month (UTC): per customer with usage, one line per model with its exact cost and its amount to the cent, the invoice total (the exact usage rounded once, half-up, to the cent) and whether it would be issued: status ready, blocked (usage of a model without a price, which would be billed at 0) or below-minimum, with the reason. Read-only (dry_run=all): nothing is recorded and Odoo is not called.',
    visibilityPermission: inferenceInvoiceReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          location: z
            .string()
            .regex(/^[a-z0-9-]{1,63}$/)
            .describe('The location, e.g. local'),
          month: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
            .describe('The billed month, YYYY-MM'),
        }),
      output: z =>
        z.object({
          location: z.string(),
          month: z.string(),
          currency: z.string(),
          total: z.string(),
          exactTotal: z.string(),
          invoices: z.array(
            z.object({
              customerId: z.string(),
              ref: z.string(),
              total: z.string(),
              exactTotal: z.string(),
              status: z.enum(['ready', 'blocked', 'below-minimum']),
              reason: z.string().optional(),
              lines: z.array(
                z.object({
                  model: z.string(),
                  description: z.string(),
                  requests: z.number(),
                  promptTokens: z.number(),
                  completionTokens: z.number(),
                  exactAmount: z.string(),
                  amount: z.string(),
                  unpriced: z.boolean(),
                }),
              ),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize({
        permissions: deps.permissions,
        credentials,
        checks: [{ permission: inferenceInvoiceReadPermission }],
      });
      const preview = await deps.invoiceRuns.preview(input);
      return {
        output: {
          ...preview,
          invoices: preview.invoices.map(i => ({
            customerId: i.customerId,
            ref: i.ref,
            total: i.total,
            exactTotal: i.exactTotal,
            status: i.status,
            ...(i.reason !== undefined && { reason: i.reason }),
            lines: i.lines.map(l => ({
              model: l.model,
              description: l.description,
              requests: l.requests,
              promptTokens: l.promptTokens,
              completionTokens: l.completionTokens,
              exactAmount: l.exactAmount,
              amount: l.amount,
              unpriced: l.unpriced,
            })),
          })),
        },
      };
    },
  });
}
