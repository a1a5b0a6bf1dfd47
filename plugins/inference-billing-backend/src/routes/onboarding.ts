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
  type OnboardingStatus,
  type ProvisionStep,
} from '@internal/backstage-plugin-inference-billing-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { Request, Router } from 'express';
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

/** Runs `fn` inside an audit event (success or failure, never with secrets). */
async function audited<T>(
  auditor: AuditorService | undefined,
  eventId: string,
  req: Request,
  meta: Record<string, string>,
  fn: () => Promise<T>,
  resultMeta?: (result: T) => Record<string, string>,
): Promise<T> {
  const event = await auditor?.createEvent({
    eventId,
    severityLevel: 'medium',
    request: req,
    meta,
  });
  try {
    const result = await fn();
    await event?.success(resultMeta ? { meta: resultMeta(result) } : {});
    return result;
  } catch (error) {
    await event?.fail({ error: error as Error });
    throw error;
  }
}

/**
 * `/onboarding/*` (on the validating OpenAPI router, which checks paths,
 * parameters and bodies against openapi.yaml first): requests from the onboard-customer template, the
 * approvers' decisions, provisioning steps run by the scaffolder actions, and
 * the one-time key reveal.
 */
export function registerOnboardingRoutes(
  router: Router,
  options: OnboardingRoutesOptions,
) {
  const { httpAuth, permissions, auditor, onboarding } = options;
  const deps = { httpAuth, permissions };

  router.get('/onboarding/requests', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerApprovePermission);
    const status = req.query.status as OnboardingStatus | undefined;
    res.json({ items: await onboarding.listRequests(status) });
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
    if (!['approve', 'reject'].includes(req.body?.decision)) {
      throw new InputError('decision: must be approve or reject');
    }
    const decided = await audited(
      auditor,
      'onboarding-decision',
      req,
      {
        requestId: req.params.id,
        decision: req.body.decision,
        decidedBy,
        // Ids only: who may be billed for whose customer is what auditors ask.
        ...(req.body.linkToExisting !== undefined && {
          linkToExisting: JSON.stringify(req.body.linkToExisting),
        }),
      },
      () =>
        onboarding.decide({
          id: req.params.id,
          decidedBy,
          decision: req.body.decision,
          reason: req.body.reason,
          linkToExisting: req.body.linkToExisting,
        }),
      result => ({
        status: result.status,
        requestedBy: result.requestedBy,
        ...(req.body.linkToExisting !== undefined && {
          linkToExisting: JSON.stringify(req.body.linkToExisting),
        }),
      }),
    );
    res.json(decided);
  });

  router.post('/onboarding/requests/:id/provision', async (req, res) => {
    await requirePermission(deps, req, inferenceCustomerOnboardPermission);
    if (typeof req.body?.location !== 'string') {
      throw new InputError('location: required');
    }
    if (!PROVISION_STEPS.includes(req.body?.step as ProvisionStep)) {
      throw new InputError(
        `step: must be one of ${PROVISION_STEPS.join(', ')}`,
      );
    }
    const meta = {
      requestId: req.params.id,
      location: req.body.location,
      step: req.body.step,
    };
    const result = await audited(
      auditor,
      'onboarding-provision',
      req,
      meta,
      () =>
        onboarding.provision(req.params.id, req.body.location, req.body.step),
      r => ({ existed: String(r.existed) }),
    ).catch(async error => {
      if (error instanceof OnboardingClashError) {
        // The request moved to `blocked`: its own event, with what it clashed with (ids).
        const event = await auditor?.createEvent({
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
        });
        await event?.success();
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
      auditor,
      'onboarding-key-reveal',
      req,
      { revealId: req.params.revealId, user },
      () => onboarding.reveal(req.params.revealId, user),
      r => ({ requestId: r.requestId, location: r.location }),
    );
    res.setHeader('cache-control', 'no-store');
    res.json(revealed);
  });
}
