/*
 * The kinds the Backstage Kubernetes plugin lists for an entity besides
 * pods, configmaps and jobs (plugin-kubernetes-backend
 * KubernetesFanOutHandler DEFAULT_OBJECTS): services, limitranges,
 * resourcequotas, deployments, replicasets, statefulsets, daemonsets,
 * horizontalpodautoscalers (autoscaling/v2), cronjobs, ingresses. The portal
 * only reads them (by label selector), so their strategies are generic:
 * ObjectMeta validation, a few visible defaults, status and scale
 * subresources where the real types have them.
 */
import { getPath, isObj } from './json';
import {
  ALL_VERBS,
  CORE_PATCH_TYPES,
  ResourceDef,
  metaFields,
} from './resourceDef';

type Spec = {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  status?: boolean;
  scale?: boolean;
  generation?: boolean;
  /** In the `all` category (kubectl get all). */
  all?: boolean;
  defaults?: ResourceDef['defaults'];
};

function def(s: Spec): ResourceDef {
  return {
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: true,
    shortNames: s.shortNames ?? [],
    categories: s.all === false ? [] : ['all'],
    verbs: ALL_VERBS,
    custom: false,
    statusSubresource: s.status ?? true,
    scale: s.scale
      ? {
          specReplicasPath: '.spec.replicas',
          statusReplicasPath: '.status.replicas',
        }
      : undefined,
    hasGeneration: s.generation ?? true,
    allowUnconditionalUpdate: true,
    returnDeletedObject: false,
    nameValidation: 'subdomain',
    selectableFields: metaFields(true),
    patchTypes: CORE_PATCH_TYPES,
    defaults: s.defaults,
  };
}

const specOf = (o: Record<string, unknown>) =>
  isObj(o.spec) ? o.spec : (o.spec = {});

export function workloadResources(): ResourceDef[] {
  const apps = (
    kind: string,
    plural: string,
    shortNames: string[],
    scale: boolean,
  ) =>
    def({
      group: 'apps',
      version: 'v1',
      kind,
      plural,
      shortNames,
      scale,
      defaults(o) {
        const spec = specOf(o);
        if (scale) spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
      },
    });
  return [
    def({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      shortNames: ['svc'],
      generation: false,
      defaults(o) {
        const spec = specOf(o);
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
          if (isObj(p)) {
            p.protocol ??= 'TCP';
            p.targetPort ??= getPath(p, ['port']);
          }
        }
      },
    }),
    def({
      group: '',
      version: 'v1',
      all: false,
      kind: 'LimitRange',
      plural: 'limitranges',
      shortNames: ['limits'],
      status: false,
      generation: false,
    }),
    def({
      group: '',
      version: 'v1',
      all: false,
      kind: 'ResourceQuota',
      plural: 'resourcequotas',
      shortNames: ['quota'],
      generation: false,
    }),
    apps('Deployment', 'deployments', ['deploy'], true),
    apps('ReplicaSet', 'replicasets', ['rs'], true),
    apps('StatefulSet', 'statefulsets', ['sts'], true),
    apps('DaemonSet', 'daemonsets', ['ds'], false),
    def({
      group: 'autoscaling',
      version: 'v2',
      kind: 'HorizontalPodAutoscaler',
      plural: 'horizontalpodautoscalers',
      shortNames: ['hpa'],
      generation: false,
    }),
    def({
      group: 'batch',
      version: 'v1',
      kind: 'CronJob',
      plural: 'cronjobs',
      shortNames: ['cj'],
      defaults(o) {
        const spec = specOf(o);
        spec.concurrencyPolicy ??= 'Allow';
        spec.suspend ??= false;
        spec.successfulJobsHistoryLimit ??= 3;
        spec.failedJobsHistoryLimit ??= 1;
      },
    }),
    def({
      group: 'networking.k8s.io',
      version: 'v1',
      all: false,
      kind: 'Ingress',
      plural: 'ingresses',
      shortNames: ['ing'],
      generation: true,
    }),
  ];
}
