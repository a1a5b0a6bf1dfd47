/*
 * The default scheduler's filters as far as the emulator needs them: a node
 * is a candidate when it is not cordoned (NodeUnschedulable), has no taint
 * the Pod does not tolerate, the not-ready taint of a node that is not Ready
 * included (TaintToleration), matches the Pod's nodeSelector (NodeAffinity)
 * and has room for the Pod's requests next to the Pods already bound to it
 * (NodeResourcesFit: pods, cpu, memory, ephemeral storage and extended
 * resources such as `nvidia.com/gpu`, against `status.allocatable`).
 * A node failing a filter gets that filter's reason, and the reasons make the
 * FailedScheduling message the scheduler writes (FitError.Error()).
 */
import { KubeObject, Obj, getPath, isObj } from './json';

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A resource quantity in thousandths of its unit, rounded up as
 * `Quantity.MilliValue()` does (`1` cpu = 1000, `500m` = 500, `1Ki` = 1024000).
 * An unparseable quantity counts as 0, as the API server would have refused it.
 */
export function milliValue(quantity: unknown): number {
  if (typeof quantity === 'number') return Math.ceil(quantity * 1000);
  const m =
    /^([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)(?:([eE][+-]?\d+)|([a-zA-Z]*))$/.exec(
      String(quantity ?? '').trim(),
    );
  if (!m) return 0;
  const base = Number(m[1]);
  const factor = m[2]
    ? 10 ** Number(m[2].slice(1))
    : BINARY[m[3] ?? ''] ?? DECIMAL[m[3] ?? ''];
  if (factor === undefined) return 0;
  return Math.ceil(base * factor * 1000 - 1e-6);
}

type Resources = Map<string, number>;

function add(into: Resources, name: string, milli: number) {
  into.set(name, (into.get(name) ?? 0) + milli);
}

/**
 * What a container requests: its requests, with a limit standing in for a
 * request it does not give (the API server's defaulting copies limits into
 * missing requests).
 */
function containerRequests(container: unknown): Resources {
  const out: Resources = new Map();
  const resources =
    isObj(container) && isObj(container.resources) ? container.resources : {};
  const limits = isObj(resources.limits) ? resources.limits : {};
  const requests = isObj(resources.requests) ? resources.requests : {};
  for (const [name, q] of Object.entries({ ...limits, ...requests })) {
    out.set(name, milliValue(q));
  }
  return out;
}

/**
 * The Pod's request (`computePodResourceRequest`): the sum over its
 * containers, raised to the largest init container's request, plus overhead.
 */
export function podRequests(pod: KubeObject): Resources {
  const total: Resources = new Map();
  const containers = getPath(pod, ['spec', 'containers']);
  for (const c of Array.isArray(containers) ? containers : []) {
    for (const [name, milli] of containerRequests(c)) add(total, name, milli);
  }
  const inits = getPath(pod, ['spec', 'initContainers']);
  for (const c of Array.isArray(inits) ? inits : []) {
    for (const [name, milli] of containerRequests(c)) {
      if (milli > (total.get(name) ?? 0)) total.set(name, milli);
    }
  }
  const overhead = getPath(pod, ['spec', 'overhead']);
  if (isObj(overhead)) {
    for (const [name, q] of Object.entries(overhead)) {
      add(total, name, milliValue(q));
    }
  }
  return total;
}

/** Whether a Pod still holds its node's resources (not Succeeded or Failed). */
export function holdsResources(pod: KubeObject): boolean {
  const phase = getPath(pod, ['status', 'phase']);
  return phase !== 'Succeeded' && phase !== 'Failed';
}

const UNSCHEDULABLE = 'node(s) were unschedulable';
const SELECTOR = "node(s) didn't match Pod's node affinity/selector";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/**
 * The taints the scheduler sees on a node: its own, plus the not-ready taint
 * the node lifecycle controller puts on a node whose Ready condition is not
 * True (the emulator has no lifecycle controller, so the scheduler derives
 * it; a node that reports no conditions at all counts as Ready).
 */
function nodeTaints(node: KubeObject): Taint[] {
  const own = getPath(node, ['spec', 'taints']);
  const taints = (Array.isArray(own) ? own : []).filter(
    (t): t is Taint => isObj(t) && typeof t.key === 'string',
  );
  const conds = getPath(node, ['status', 'conditions']);
  const notReady =
    Array.isArray(conds) &&
    conds.length > 0 &&
    !conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True');
  return notReady
    ? [...taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]
    : taints;
}

/** `v1.Toleration.ToleratesTaint`. */
function tolerates(pod: KubeObject, taint: Taint): boolean {
  const tolerations = getPath(pod, ['spec', 'tolerations']);
  return (Array.isArray(tolerations) ? tolerations : []).some(t => {
    if (!isObj(t)) return false;
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.key && t.key !== taint.key) return false;
    if (t.operator === 'Exists') return true;
    return (t.value ?? '') === (taint.value ?? '') && Boolean(t.key);
  });
}

/**
 * Why the scheduler would not bind `pod` to `node`, given the Pods bound to
 * it: empty when it fits. Filters run in the default profile's order and
 * stop at the first that fails; NodeResourcesFit lists every resource short.
 */
export function unfitReasons(
  pod: KubeObject,
  node: KubeObject,
  boundPods: KubeObject[],
): string[] {
  if (
    getPath(node, ['spec', 'unschedulable']) === true &&
    !tolerates(pod, {
      key: 'node.kubernetes.io/unschedulable',
      effect: 'NoSchedule',
    })
  )
    return [UNSCHEDULABLE];
  const untolerated = nodeTaints(node).find(
    t =>
      (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
      !tolerates(pod, t),
  );
  if (untolerated) {
    return [
      `node(s) had untolerated taint {${untolerated.key}: ${
        untolerated.value ?? ''
      }}`,
    ];
  }
  const selector = getPath(pod, ['spec', 'nodeSelector']);
  if (
    isObj(selector) &&
    !Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)
  )
    return [SELECTOR];
  return insufficientResources(pod, node, boundPods);
}

function insufficientResources(
  pod: KubeObject,
  node: KubeObject,
  boundPods: KubeObject[],
): string[] {
  const allocatable = getPath(node, ['status', 'allocatable']);
  const alloc = (name: string) =>
    milliValue(isObj(allocatable) ? (allocatable as Obj)[name] : undefined);
  const reasons: string[] = [];
  const holding = boundPods.filter(holdsResources);
  if (holding.length + 1 > alloc('pods') / 1000) reasons.push('Too many pods');
  const wanted = podRequests(pod);
  const used: Resources = new Map();
  for (const p of holding) {
    for (const [name, milli] of podRequests(p)) add(used, name, milli);
  }
  for (const [name, milli] of wanted) {
    if (milli === 0 || name === 'pods') continue;
    if (alloc(name) < milli + (used.get(name) ?? 0)) {
      reasons.push(`Insufficient ${name}`);
    }
  }
  return reasons;
}

/**
 * The FailedScheduling message: `0/<n> nodes are available: <count>
 * <reason>, ... preemption: 0/<n> nodes are available: ...` with the reasons
 * counted per node and sorted as strings. Preemption could only help on a
 * node short of resources, and with every Pod at the same priority it finds
 * no victims there.
 */
export function failedSchedulingMessage(
  total: number,
  reasonsPerNode: string[][],
): string {
  const counts = new Map<string, number>();
  let resourceShort = 0;
  for (const reasons of reasonsPerNode) {
    for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    if (
      reasons.some(r => r.startsWith('Insufficient ') || r === 'Too many pods')
    )
      resourceShort++;
  }
  const histogram = (entries: Array<[string, number]>) =>
    entries
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${n} ${r}`)
      .sort()
      .join(', ');
  if (total === 0) {
    return 'no nodes available to schedule pods';
  }
  const preemption = histogram([
    ['No preemption victims found for incoming pod', resourceShort],
    ['Preemption is not helpful for scheduling', total - resourceShort],
  ]);
  return `0/${total} nodes are available: ${histogram([
    ...counts,
  ])}. preemption: 0/${total} nodes are available: ${preemption}..`;
}
