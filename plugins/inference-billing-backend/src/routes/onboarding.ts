import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  inferenceCustomerApprovePermission,
  inferenceCustomerOnboardPermission,
  PROVISION_STEPS,
} from '@internal/backstage-plugin-inference-billing-common';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import {
  audited,
  requirePermission,
} from '@internal/backstage-plugin-inference-node';
import type { EndpointMap } from '../schema/openapi.generated';
import type { OnboardingService } from '../onboarding/OnboardingService';
import { OnboardingClashError } from '../onboarding/clashes';

export interface OnboardingRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor?: AuditorService;
  onboarding: OnboardingService;
}

function userOf(credentials: BackstageCredentials, what: string): string {
  const principal = credentials.principal as { type: string };
  if (principal.type !== 'user') {
    throw new NotAllowedError(`Only a signed-in user may ${what}`);
  }
  return (principal as BackstageUserPrincipal).userEntityRef;
}

/**
 * `/onboarding/*` (on the validating OpenAPI router, which checks paths,
 * parameters and bodies against openapi.yaml first): requests from the onboard-customer template, the
 * approvers' decisions, provisioning steps run by the scaffolder actions, and
 * the one-time key reveal.
 */
export function registerOnboardingRoutes(
  router: TypedRouter<EndpointMap>,
  options: OnboardingRoutesOptions,
) {
  const { httpAuth, permissions, auditor, onboarding } = options;
  const deps = { httpAuth, permissions };

  router.get('/onboarding/requests', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerApprovePermission);
    // The spec has checked every parameter (enums, ranges) and made numbers
    // of `limit` and `offset` and a boolean of `decided`.
    const { status, decided, location, q, sort, order, limit, offset } =
      req.query;
    res.json(
      await onboarding.listRequests({
        status,
        decided,
        location,
        q,
        sort: sort && { column: sort, order: order ?? 'asc' },
        offset,
        limit: limit ?? 200,
      }),
    );
  });

  router.post('/onboarding/requests', async (req, res) => {
    const credentials = await requirePermission(
      deps,
      req,
      inferenceCustomerOnboardPermission,
    );
    const requestedBy = userOf(credentials, 'ask for an onboarding');
    const { request, created } = await onboarding.createRequest(
      req.body,
      requestedBy,
    );
    res.status(created ? 201 : 200).json(request);
  });

  router.post('/onboarding/validation', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerOnboardPermission);
    res.json(await onboarding.validateRequest(req.body));
  });

  router.get('/onboarding/requests/:id', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerOnboardPermission);
    res.json(await onboarding.viewRequest(req.params.id));
  });

  router.post('/onboarding/requests/:id/decision', async (req, res) => {
    const credentials = await requirePermission(
      deps,
      req,
      inferenceCustomerApprovePermission,
    );
    const decidedBy = userOf(credentials, 'decide an onboarding request');
    // Not required by the spec: its absence gets this message.
    const decision = req.body?.decision;
    if (decision !== 'approve' && decision !== 'reject') {
      throw new InputError('decision: must be approve or reject');
    }
    const decided = await audited(
      {
        auditor,
        eventId: 'onboarding-decision',
        severityLevel: 'medium',
        request: req,
        meta: {
          requestId: req.params.id,
          decision,
          // Ids only: who may be billed for whose customer is what auditors ask.
          ...(req.body.linkToExisting !== undefined && {
            linkToExisting: JSON.stringify(req.body.linkToExisting),
          }),
        },
        resultMeta: result => ({
          status: result.status,
          requestedBy: result.requestedBy,
          ...(req.body.linkToExisting !== undefined && {
            linkToExisting: JSON.stringify(req.body.linkToExisting),
          }),
        }),
      },
      () =>
        onboarding.decide({
          id: req.params.id,
          decidedBy,
          decision,
          reason: req.body.reason,
          linkToExisting: req.body.linkToExisting,
        }),
    );
    res.json(decided);
  });

  router.post('/onboarding/requests/:id/provision', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerOnboardPermission);
    // Neither is required by the spec: their absence gets these messages.
    const location = req.body?.location;
    if (typeof location !== 'string') {
      throw new InputError('location: required');
    }
    const step = req.body?.step;
    if (step === undefined || !PROVISION_STEPS.includes(step)) {
      throw new InputError(
        `step: must be one of ${PROVISION_STEPS.join(', ')}`,
      );
    }
    const meta = { requestId: req.params.id, location, step };
    const result = await audited(
      {
        auditor,
        eventId: 'onboarding-provision',
        severityLevel: 'medium',
        request: req,
        meta,
        resultMeta: r => ({ existed: String(r.existed) }),
      },
      () => onboarding.provision(req.params.id, location, step),
    ).catch(async error => {
      if (error instanceof OnboardingClashError) {
        // The request moved to `blocked`: its own event, with what it clashed with (ids).
        await audited(
          {
            auditor,
            eventId: 'onboarding-blocked',
            severityLevel: 'high',
            request: req,
            meta: {
              ...meta,
              clashes: JSON.stringify(
                error.clashes.map(c => ({
                  location: c.location,
                  system: c.system,
                  id: c.id,
                  matchedOn: c.matchedOn,
                })),
              ),
            },
          },
          async () => undefined,
        );
      }
      throw error;
    });
    res.json(result);
  });

  router.post('/onboarding/requests/:id/complete', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerOnboardPermission);
    res.json(await onboarding.complete(req.params.id));
  });

  router.post('/onboarding/reveals/:revealId', async (req, res) => {
    // Whoever asked for an onboarding had this permission; the record's
    // owner check below limits it to that user.
    const credentials = await requirePermission(
      deps,
      req,
      inferenceCustomerOnboardPermission,
    );
    const user = userOf(credentials, 'reveal a key');
    const revealed = await audited(
      {
        auditor,
        eventId: 'onboarding-key-reveal',
        severityLevel: 'medium',
        request: req,
        meta: { revealId: req.params.revealId },
        resultMeta: r => ({ requestId: r.requestId, location: r.location }),
      },
      () => onboarding.reveal(req.params.revealId, user),
    );
    res.setHeader('cache-control', 'no-store');
    res.json(revealed);
  });
}
