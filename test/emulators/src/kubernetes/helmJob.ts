/*
 * What k3s helm-controller's Jobs look like and leave behind (klipper-helm's
 * Job, its Pod's terminal status, the helm log and the Job's conditions), as
 * pure functions of the HelmChart, for helmController.ts.
 */
import { KubeObject, Obj, getPath, isObj } from './json';
import { ownerRef } from './controllerUtils';

export const HELM_FINALIZER = 'wrangler.cattle.io/on-helm-chart-remove';
export const HELM_CONFIG_HASH = 'helmcharts.helm.cattle.io/configHash';
export const HELM_CHART_LABEL = 'helmcharts.helm.cattle.io/chart';
export const KLIPPER_IMAGE = 'rancher/klipper-helm:v0.9.8-build20250709';

/** The helm error a chart that cannot be fetched fails with, if any. */
export function helmFailure(spec: Obj): string | undefined {
  const chart = String(spec.chart ?? '');
  const repo = spec.repo === undefined ? undefined : String(spec.repo);
  if (spec.chartContent) return undefined;
  if (
    repo !== undefined &&
    repo !== '' &&
    !repo.startsWith('http') &&
    !repo.startsWith('oci')
  ) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo)?.[1];
    return scheme
      ? `Error: INSTALLATION FAILED: could not find protocol handler for: ${scheme}`
      : `Error: INSTALLATION FAILED: looks like "${repo}" is not a valid chart repository or cannot be reached: Get "${repo}/index.yaml": unsupported protocol scheme ""`;
  }
  if (chart.includes('does-not-exist')) {
    const version = spec.version ? ` version "${String(spec.version)}"` : '';
    return repo
      ? `Error: INSTALLATION FAILED: chart "${chart}"${version} not found in ${repo} repository`
      : `Error: INSTALLATION FAILED: repo ${chart.split('/')[0]} not found`;
  }
  return undefined;
}

/** The `helm-install-<name>`/`helm-delete-<name>` Job of a HelmChart. */
export function helmJobManifest(
  chart: KubeObject,
  jobName: string,
  action: 'install' | 'delete',
  configHash: string,
): Obj {
  const ns = chart.metadata.namespace ?? 'kube-system';
  const name = chart.metadata.name ?? '';
  const spec = isObj(chart.spec) ? chart.spec : {};
  const env = (
    [
      ['NAME', name],
      ['VERSION', spec.version],
      ['REPO', spec.repo],
      ['HELM_DRIVER', 'secret'],
      ['CHART_NAMESPACE', ns],
      ['CHART', spec.chart],
      ['HELM_VERSION', spec.helmVersion],
      ['TARGET_NAMESPACE', spec.targetNamespace ?? ns],
      ['FAILURE_POLICY', spec.failurePolicy ?? 'reinstall'],
    ] as [string, unknown][]
  ).map(([k, v]) => ({ name: k, value: v === undefined ? '' : String(v) }));
  const body = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace: ns,
      labels: { [HELM_CHART_LABEL]: name },
      annotations: {
        [HELM_CONFIG_HASH]: configHash,
        'objectset.rio.cattle.io/id': 'helm-controller',
      },
      ownerReferences: [ownerRef(chart)],
    },
    spec: {
      backoffLimit:
        typeof spec.backOffLimit === 'number' ? spec.backOffLimit : 1000,
      template: {
        metadata: {
          labels: { [HELM_CHART_LABEL]: name },
          annotations: { [HELM_CONFIG_HASH]: configHash },
        },
        spec: {
          restartPolicy: 'OnFailure',
          serviceAccountName: `helm-${name}`,
          containers: [
            {
              name: 'helm',
              image:
                typeof spec.jobImage === 'string'
                  ? spec.jobImage
                  : KLIPPER_IMAGE,
              args: [action],
              env,
            },
          ],
        },
      },
    },
  };
  return body;
}

/** The first lines klipper-helm logs for an action. */
export function helmLogPrefix(
  action: string,
  name: string,
  spec: Obj,
  ns: string,
): string {
  const target = String(spec.targetNamespace ?? ns);
  if (action === 'delete') {
    return `+ helm_v3 uninstall ${name} --namespace ${target} --wait\n`;
  }
  const repo = spec.repo ? ` --repo ${String(spec.repo)}` : '';
  const version = spec.version ? ` --version ${String(spec.version)}` : '';
  return [
    'if [[ ${KUBERNETES_SERVICE_HOST} =~ .*:.* ]]; then',
    `+ helm_v3 repo update`,
    `+ helm_v3 install --namespace ${target} ${name} ${String(
      spec.chart ?? '',
    )}${repo}${version} --values /config/values-01_HelmChart.yaml`,
    '',
  ].join('\n');
}

/** The helm Pod's status once its container exited. */
export function finishedPodStatus(
  pod: KubeObject,
  failure: string | undefined,
  now: string,
): Obj {
  return {
    ...(isObj(pod.status) ? pod.status : {}),
    phase: failure ? 'Failed' : 'Succeeded',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      type => ({
        type,
        status:
          type === 'Ready' || type === 'ContainersReady' ? 'False' : 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
        ...(type === 'Ready' || type === 'ContainersReady'
          ? { reason: 'PodCompleted' }
          : {}),
      }),
    ),
    containerStatuses: [
      {
        name: 'helm',
        state: {
          terminated: {
            exitCode: failure ? 1 : 0,
            reason: failure ? 'Error' : 'Completed',
            startedAt: getPath(pod, ['status', 'startTime']) ?? now,
            finishedAt: now,
          },
        },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: getPath(pod, ['spec', 'containers', '0', 'image']),
        imageID: '',
        started: false,
      },
    ],
  };
}

/** What helm logs at the end of an action. */
export function helmLogTail(
  action: string,
  chartName: string,
  target: string,
  failure: string | undefined,
): string {
  const date = new Date()
    .toUTCString()
    .replace(/,/, '')
    .replace(' GMT', ' UTC');
  let tail: string;
  if (failure) {
    tail = `${failure}\n`;
  } else if (action === 'delete') {
    tail = `release "${chartName}" uninstalled\n`;
  } else {
    tail = [
      `NAME: ${chartName}`,
      `LAST DEPLOYED: ${date}`,
      `NAMESPACE: ${target}`,
      'STATUS: deployed',
      'REVISION: 1',
      'TEST SUITE: None',
      '',
    ].join('\n');
  }
  return tail;
}

/** The job controller's status of a finished helm Job. */
export function finishedJobStatus(
  start: unknown,
  now: string,
  failure: string | undefined,
): Obj {
  return failure
    ? {
        startTime: start,
        failed: 1,
        terminating: 0,
        ready: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'FailureTarget',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
          {
            type: 'Failed',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      }
    : {
        startTime: start,
        completionTime: now,
        succeeded: 1,
        terminating: 0,
        ready: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
          {
            type: 'Complete',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
        ],
      };
}
