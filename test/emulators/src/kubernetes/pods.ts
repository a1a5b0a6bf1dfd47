/*
 * Pod spec strategies: SetDefaults_PodSpec (the commonly visible defaults),
 * QoS class, validation and the fields a pod update may change.
 */
import { FieldError, fieldErr } from './errors';
import { Obj, clone, getPath, isObj } from './json';
import { isDNS1123Label } from './meta';
import { arr } from './resourceDef';

function imagePullPolicy(image: unknown): string {
  const img = typeof image === 'string' ? image : '';
  const ref = img.split('@')[0];
  const lastSegment = ref.split('/').pop() ?? '';
  const tag = lastSegment.includes(':')
    ? lastSegment.split(':').pop()
    : undefined;
  return img.includes('@') || (tag && tag !== 'latest')
    ? 'IfNotPresent'
    : 'Always';
}

/** SetDefaults_PodSpec and friends (the commonly visible ones). */
export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  for (const field of ['containers', 'initContainers']) {
    for (const c of arr(spec[field])) {
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.imagePullPolicy ??= imagePullPolicy(c.image);
      c.resources ??= {};
      for (const p of arr(c.ports)) {
        p.protocol ??= 'TCP';
      }
    }
  }
}

export function qosClass(spec: Obj): string {
  const containers = arr(spec.containers);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = getPath(c, ['resources', 'requests']);
    const lim = getPath(c, ['resources', 'limits']);
    if (isObj(req) && Object.keys(req).length) any = true;
    if (isObj(lim) && Object.keys(lim).length) any = true;
    const cpu = isObj(lim) && lim.cpu !== undefined;
    const mem = isObj(lim) && lim.memory !== undefined;
    if (!cpu || !mem) guaranteed = false;
    if (isObj(req) && isObj(lim)) {
      for (const k of ['cpu', 'memory']) {
        if (req[k] !== undefined && lim[k] !== undefined && req[k] !== lim[k])
          guaranteed = false;
      }
    }
  }
  if (guaranteed) return 'Guaranteed';
  return any ? 'Burstable' : 'BestEffort';
}

export function validatePodSpec(spec: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(spec)) {
    return [fieldErr.required(p)];
  }
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push(fieldErr.required(`${p}.containers`));
  } else {
    const seen = new Set<string>();
    containers.forEach((c, i) => {
      const cp = `${p}.containers[${i}]`;
      if (!isObj(c)) {
        errs.push(fieldErr.invalid(cp, c, 'must be an object'));
        return;
      }
      if (!c.name) {
        errs.push(fieldErr.required(`${cp}.name`));
      } else {
        const name = String(c.name);
        for (const msg of isDNS1123Label(name)) {
          errs.push(fieldErr.invalid(`${cp}.name`, name, msg));
        }
        if (seen.has(name)) {
          errs.push(fieldErr.duplicate(`${cp}.name`, name));
        }
        seen.add(name);
      }
      if (!c.image) {
        errs.push(fieldErr.required(`${cp}.image`));
      }
    });
  }
  const policies = ['Always', 'OnFailure', 'Never'];
  if (
    spec.restartPolicy !== undefined &&
    !policies.includes(String(spec.restartPolicy))
  ) {
    errs.push(
      fieldErr.notSupported(`${p}.restartPolicy`, spec.restartPolicy, policies),
    );
  }
  return errs;
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export function maskMutablePodFields(spec: unknown): unknown {
  const s = clone(spec) as Obj;
  if (!isObj(s)) return s;
  for (const field of ['containers', 'initContainers']) {
    for (const c of arr(s[field])) {
      delete c.image;
    }
  }
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  return s;
}
