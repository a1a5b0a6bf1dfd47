import type {
  KubeAiClient,
  KubeAiSystemConfig,
} from '@internal/backstage-plugin-inference-node';

/**
 * A location's KubeAI system config for mapping, or undefined when it
 * cannot be read (no RBAC, KubeAI under another release name): the
 * catalogue then shows Models without GPU counts rather than failing.
 */
export async function kubeAiConfigOrUndefined(
  kube: Pick<KubeAiClient, 'getSystemConfig'>,
): Promise<KubeAiSystemConfig | undefined> {
  try {
    return await kube.getSystemConfig();
  } catch {
    return undefined;
  }
}
