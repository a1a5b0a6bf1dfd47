import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { OnboardingRequest } from '@internal/backstage-plugin-inference-billing-common';

/** Signal channel the Approvals page and the await action listen to. */
export const ONBOARDING_SIGNAL_CHANNEL = 'inference-billing:onboarding';

/**
 * Notifications and signals of onboarding: best effort, a failure is logged
 * and never fails the change that caused it (that change is stored already).
 */
export class OnboardingNotifier {
  constructor(
    private readonly deps: {
      notifications?: NotificationService;
      signals?: SignalsService;
      logger: LoggerService;
    },
  ) {}

  async signal(request: OnboardingRequest) {
    try {
      await this.deps.signals?.publish({
        recipients: { type: 'broadcast' },
        channel: ONBOARDING_SIGNAL_CHANNEL,
        message: {
          id: request.id,
          status: request.status,
          ...(request.taskId && { taskId: request.taskId }),
        },
      });
    } catch (e) {
      this.deps.logger.warn(
        `onboarding signal failed: ${(e as Error).message}`,
      );
    }
  }

  async notify(
    recipients: string[],
    payload: {
      title: string;
      description: string;
      link: string;
      severity?: 'normal' | 'high' | 'low';
    },
    exclude?: string,
  ) {
    if (!this.deps.notifications) return;
    try {
      await this.deps.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(exclude && { excludeEntityRef: exclude }),
        },
        payload: { topic: 'inference-onboarding', ...payload },
      });
    } catch (e) {
      this.deps.logger.warn(
        `onboarding notification failed: ${(e as Error).message}`,
      );
    }
  }
}
