/*
 * `GET pods/<name>/log`: the text set with `setPodLog`, refused like the
 * kubelet does while the container has not started.
 */
import { statusErrors } from './errors';
import { Obj, getPath, isObj } from './json';
import type { KubeApi } from './api';

export function podLog(
  api: KubeApi,
  namespace: string,
  name: string,
  opts: { container?: string; tailLines?: number; timestamps?: boolean } = {},
): string {
  const podsRes = api.registry.mustByKind('v1', 'Pod');
  const pod = api.get(podsRes, namespace, name);
  const containers =
    (getPath(pod, ['spec', 'containers']) as Obj[] | undefined) ?? [];
  const names = containers.map(c => String(c.name));
  let container = opts.container;
  if (!container) {
    if (names.length !== 1) {
      throw statusErrors.badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(
          ' ',
        )}]`,
      );
    }
    container = names[0];
  } else if (!names.includes(container)) {
    throw statusErrors.badRequest(
      `container ${container} is not valid for pod ${name}`,
    );
  }
  const phase = getPath(pod, ['status', 'phase']);
  const statuses =
    (getPath(pod, ['status', 'containerStatuses']) as Obj[] | undefined) ?? [];
  const cs = statuses.find(s => s.name === container);
  const started =
    cs &&
    isObj(cs.state) &&
    (isObj(cs.state.running) || isObj(cs.state.terminated));
  if (
    !started &&
    (phase === 'Pending' || phase === undefined) &&
    !api.podLogs.has(`${namespace}/${name}`)
  ) {
    const reason =
      getPath(cs, ['state', 'waiting', 'reason']) ?? 'ContainerCreating';
    throw statusErrors.badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ${String(
        reason,
      )}`,
    );
  }
  let text = api.podLogs.get(`${namespace}/${name}`) ?? '';
  if (opts.tailLines !== undefined && opts.tailLines >= 0) {
    const lines = text.split('\n');
    const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
    text =
      lines.slice(Math.max(0, lines.length - opts.tailLines)).join('\n') +
      (trailing !== undefined && opts.tailLines > 0 ? '\n' : '');
  }
  return text;
}
