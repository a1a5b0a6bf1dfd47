import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { bareMetalNodeProvisionPermission } from '@internal/backstage-plugin-bare-metal-common';
import {
  authorize,
  HELM_NAMESPACE,
  publicUrlProblem,
  type HelmChartResource,
  type InferenceLocation,
  type InferenceLocationsService,
  type KubeAiClient,
} from '@internal/backstage-plugin-inference-node';
import type { V1Job } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { helmInstallExamples } from './helmInstall.examples';
import { parseHelmValues, VALUES_MAX_CHARS } from './helmValues';

const LOCATION = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * http(s) or oci URL without whitespace, quotes or shell metacharacters; the
 * handler then requires https or oci on a public host (see repositoryProblem).
 */
const REPO =
  /^(https?|oci):\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%\/-]*)?$/;
/** A Helm chart name (optionally repo-prefixed like `nvidia/gpu-operator`). */
const CHART =
  /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)?$/;
/** Semver-ish (also ranges like `~1.2`/`^1.2.3` and a leading `v`). */
const VERSION =
  /^[~^]?v?[0-9]+(\.[0-9x*]+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Fields of a HelmChart spec this action owns. */
type DesiredSpec = {
  repo: string;
  chart: string;
  version: string | null;
  targetNamespace: string;
  createNamespace: boolean;
  valuesContent: string | null;
};

function differs(current: HelmChartResource['spec'], desired: DesiredSpec) {
  return (Object.keys(desired) as (keyof DesiredSpec)[]).some(
    key => (current?.[key] ?? null) !== desired[key],
  );
}

function jobState(job: V1Job): 'succeeded' | 'failed' | 'running' {
  const conditions = job.status?.conditions ?? [];
  const has = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (has('Complete') || (job.status?.succeeded ?? 0) > 0) return 'succeeded';
  // helm-controller's Jobs retry (backoffLimit 1000): the first failed pod
  // already means the install failed.
  if (has('Failed') || (job.status?.failed ?? 0) > 0) return 'failed';
  return 'running';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function logTail(kube: KubeAiClient, job: string): Promise<string> {
  try {
    const pods = await kube.listJobPods(HELM_NAMESPACE, job);
    const pod = (
      pods.find(p => p.status?.phase === 'Failed') ?? pods[pods.length - 1]
    )?.metadata?.name;
    if (!pod) return '(no job pod found)';
    const log = await kube.readPodLog(HELM_NAMESPACE, pod, 20);
    return log.trim() || '(empty log)';
  } catch (e) {
    return `(could not read the job log: ${(e as Error).message})`;
  }
}

/**
 * `baremetal:helm:install`: installs or upgrades a Helm chart on a location's
 * K3s cluster through a HelmChart (helm.cattle.io/v1) in kube-system, and
 * optionally waits for helm-controller's `helm-install-<name>` Job.
 */
export function createHelmInstallAction(options: {
  locations: InferenceLocationsService;
  permissions: PermissionsService;
  /** Poll interval while waiting for the Job (default 2000). */
  pollIntervalMs?: number;
}) {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'baremetal:helm:install',
    description:
      "Installs or upgrades a Helm chart on a location's K3s cluster by applying a HelmChart (helm.cattle.io/v1) in kube-system, optionally waiting for the helm-install Job.",
    supportsDryRun: true,
    examples: helmInstallExamples,
    schema: {
      input: {
        location: z =>
          z
            .string()
            .regex(LOCATION, 'must be a location name ([a-z0-9-])')
            .describe('Location whose cluster gets the chart'),
        name: z =>
          z
            .string()
            .max(53)
            .regex(DNS_LABEL, 'must be a DNS label')
            .describe('Release and HelmChart name'),
        repo: z =>
          z
            .string()
            .max(512)
            .regex(REPO, 'must be an http(s) or oci URL')
            .describe(
              "Chart repository URL: https or oci on a public host (http and internal hosts only when the location's helm.allowedRepositoryHosts lists them)",
            ),
        chart: z =>
          z
            .string()
            .max(253)
            .regex(CHART, 'must be a Helm chart name')
            .describe('Chart name'),
        version: z =>
          z
            .string()
            .max(64)
            .regex(VERSION, 'must be a chart version like 1.2.3')
            .optional()
            .describe('Chart version (latest when omitted)'),
        targetNamespace: z =>
          z
            .string()
            .regex(DNS_LABEL, 'must be a DNS label')
            .describe('Namespace the release is installed into'),
        valuesYaml: z =>
          z
            .string()
            .max(VALUES_MAX_CHARS)
            .optional()
            .describe('Chart values as YAML (a mapping)'),
        createNamespace: z =>
          z
            .boolean()
            .optional()
            .describe('Create the target namespace (default true)'),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe('Wait for the helm install Job (default true)'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(10)
            .max(3600)
            .optional()
            .describe('How long to wait for the Job (default 600)'),
      },
      output: {
        status: z =>
          z
            .enum(['installed', 'applied', 'unchanged', 'dry-run'])
            .describe(
              'installed: the Job succeeded; applied: not waited for; unchanged: identical spec, not waited for; dry-run',
            ),
        changed: z =>
          z.boolean().describe('Whether the HelmChart was created or changed'),
        helmChart: z =>
          z.string().describe('The HelmChart, as <namespace>/<name>'),
        jobName: z => z.string().describe('The helm-controller Job name'),
      },
    },
    async handler(ctx) {
      await authorize({
        permissions: options.permissions,
        credentials: await ctx.getInitiatorCredentials(),
        checks: [{ permission: bareMetalNodeProvisionPermission }],
      });
      const { location, name, chart } = ctx.input;
      const desired: DesiredSpec = {
        repo: ctx.input.repo,
        chart,
        version: ctx.input.version ?? null,
        targetNamespace: ctx.input.targetNamespace,
        createNamespace: ctx.input.createNamespace ?? true,
        valuesContent: parseHelmValues(ctx.input.valuesYaml),
      };
      const wait = ctx.input.wait ?? true;
      const timeoutMs = (ctx.input.timeoutSeconds ?? 600) * 1000;
      const jobName = `helm-install-${name}`;
      const ref = `${HELM_NAMESPACE}/${name}`;
      ctx.output('helmChart', ref);
      ctx.output('jobName', jobName);

      let kube: KubeAiClient;
      let config: InferenceLocation;
      try {
        config = options.locations.get(location);
        kube = options.locations.kubeAi(location);
      } catch (e) {
        throw new InputError(`location: ${(e as Error).message}`);
      }
      // helm-controller fetches the repository from inside the cluster: an
      // internal address would let the template reach what the portal's
      // users cannot (node loopback, cloud metadata, the LAN).
      const problem = publicUrlProblem(desired.repo, {
        schemes: ['https', 'oci'],
        insecureSchemes: ['http'],
        allowedHosts: config.helm?.allowedRepositoryHosts,
      });
      if (problem) {
        throw new InputError(`repo: ${problem}`);
      }

      const current = await kube.getHelmChart(name);
      const changed = !current || differs(current.spec, desired);
      const summary = `HelmChart ${ref} (${chart}${
        desired.version ? `@${desired.version}` : ''
      } from ${desired.repo} into ${desired.targetNamespace}) in ${location}`;

      if (ctx.isDryRun) {
        let verb = 'leave unchanged';
        if (!current) verb = 'create';
        else if (changed) verb = 'update';
        ctx.logger.info(
          `Dry run: would ${verb} ${summary}: ${JSON.stringify(desired)}`,
        );
        ctx.output('changed', false);
        ctx.output('status', 'dry-run');
        return;
      }

      // A Job of an earlier spec is replaced by helm-controller: ignore it.
      const staleJobUid = changed
        ? (await kube.getJob(HELM_NAMESPACE, jobName))?.metadata?.uid
        : undefined;
      if (!current) {
        await ctx.checkpoint({
          key: `helm-create-${location}-${name}`,
          fn: async () => {
            const spec: HelmChartResource['spec'] = { chart };
            for (const [key, value] of Object.entries(desired)) {
              if (value !== null) spec[key] = value;
            }
            await kube.createHelmChart({
              metadata: {
                name,
                labels: { 'app.kubernetes.io/managed-by': 'backstage' },
              },
              spec,
            });
          },
        });
        ctx.logger.info(`Created ${summary}`);
      } else if (changed) {
        await ctx.checkpoint({
          // A digest: the spec holds up to 512 KiB of values.
          key: `helm-patch-${location}-${name}-${createHash('sha256')
            .update(JSON.stringify(desired))
            .digest('hex')}`,
          fn: async () => {
            // merge patch: null removes version/valuesContent no longer set
            await kube.patchHelmChart(name, { spec: desired });
          },
        });
        ctx.logger.info(`Updated ${summary}`);
      } else {
        ctx.logger.info(`${summary} is already up to date`);
      }
      ctx.output('changed', changed);

      if (!wait) {
        ctx.output('status', changed ? 'applied' : 'unchanged');
        return;
      }

      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (ctx.signal?.aborted) {
          throw new Error(
            `location ${location}: waiting for ${jobName} aborted`,
          );
        }
        const job = await kube.getJob(HELM_NAMESPACE, jobName);
        if (job && job.metadata?.uid !== staleJobUid) {
          const state = jobState(job);
          if (state === 'succeeded') {
            ctx.logger.info(
              `helm install of ${chart} in ${location} succeeded`,
            );
            ctx.output('status', 'installed');
            return;
          }
          if (state === 'failed') {
            const tail = await logTail(kube, jobName);
            throw new Error(
              `location ${location}: helm install of ${chart} failed: ${tail}`,
            );
          }
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `location ${location}: helm install of ${chart} did not finish within ${
              timeoutMs / 1000
            }s (Job ${HELM_NAMESPACE}/${jobName})`,
          );
        }
        await sleep(
          Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())),
          ctx.signal,
        );
      }
    },
  });
}
