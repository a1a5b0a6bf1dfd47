/*
 * Server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * turns a get, list or watch answer into a meta.k8s.io/v1 Table (what
 * `kubectl get` asks for). Custom resources use the CRD's
 * additionalPrinterColumns, or `Age` when it has none
 * (apiextensions-apiserver tableconvertor.go and helpers.go
 * serveDefaultColumnsIfEmpty); built-in kinds use the printers of
 * pkg/printers/internalversion/printers.go.
 */
import { KubeObject, Obj, getPath, isObj } from './json';
import { ResourceDef } from './resources';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export const TABLE_CONTENT_TYPE =
  'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Whether the Accept header asks for a Table first (meta.k8s.io v1 or v1beta1). */
export function wantsTable(
  accept: string | undefined,
): 'v1' | 'v1beta1' | undefined {
  for (const part of String(accept ?? '').split(',')) {
    const params = part.split(';').map(p => p.trim());
    const kv = new Map(
      params
        .slice(1)
        .map(p => p.split('=').map(x => x.trim()) as [string, string]),
    );
    if (kv.get('as') === 'Table' && kv.get('g') === 'meta.k8s.io') {
      const v = kv.get('v');
      if (v === 'v1' || v === 'v1beta1') return v;
    }
    if (params.length === 1) return undefined;
  }
  return undefined;
}

const col = (
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): TableColumn => ({ name, type, format, description, priority });

const NAME = col(
  'Name',
  'string',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'name',
);
const AGE_DESC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const AGE = col('Age', 'string', AGE_DESC);

/** k8s.io/apimachinery/pkg/util/duration HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function age(o: KubeObject, now = Date.now()): string {
  const ts = o.metadata.creationTimestamp;
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

/**
 * A simple JSONPath (`.a.b`, `.a[0]`, `.a[?(@.type=="Ready")].status`), as
 * client-go's jsonpath evaluates CRD column paths; undefined when missing.
 */
export function evalJsonPath(o: unknown, path: string): unknown {
  const tokens =
    path.replace(/^\{|\}$/g, '').match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown[] = [o];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (t.startsWith('.')) {
        const key = t.slice(1);
        if (isObj(v) && v[key] !== undefined) next.push(v[key]);
      } else if (/^\[\d+\]$/.test(t)) {
        const i = Number(t.slice(1, -1));
        if (Array.isArray(v) && i < v.length) next.push(v[i]);
      } else if (t === '[*]') {
        if (Array.isArray(v)) next.push(...v);
        else if (isObj(v)) next.push(...Object.values(v));
      } else {
        const m = /^\[\?\(@\.([\w.-]+)\s*==\s*["']?([^"')]*)["']?\)\]$/.exec(t);
        if (m && Array.isArray(v)) {
          next.push(
            ...v.filter(x => String(getPath(x, m[1].split('.'))) === m[2]),
          );
        }
      }
    }
    cur = next;
  }
  return cur.length ? cur[0] : undefined;
}

function jsonPathText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function cell(type: string, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'string':
      return jsonPathText(v);
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = Date.parse(v);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(Date.now() - t);
    }
    default:
      return null;
  }
}

interface Printer {
  columns: TableColumn[];
  cells(o: KubeObject): unknown[];
}

function crdPrinter(r: ResourceDef): Printer {
  const versions = (getPath(r.crd, ['spec', 'versions']) as Obj[]) ?? [];
  const v = versions.find(x => x.name === r.version);
  const declared = Array.isArray(v?.additionalPrinterColumns)
    ? (v?.additionalPrinterColumns as Obj[])
    : [];
  const defs = declared.length
    ? declared
    : [
        {
          name: 'Age',
          type: 'date',
          jsonPath: '.metadata.creationTimestamp',
          description: AGE_DESC,
        },
      ];
  return {
    columns: [
      NAME,
      ...defs.map(d =>
        col(
          String(d.name),
          String(d.type),
          d.description
            ? String(d.description)
            : `Custom resource definition column (in JSONPath format): ${String(
                d.jsonPath,
              )}`,
          typeof d.priority === 'number' ? d.priority : 0,
          typeof d.format === 'string' ? d.format : '',
        ),
      ),
    ],
    cells: o => [
      o.metadata.name,
      ...defs.map(d =>
        cell(String(d.type), evalJsonPath(o, String(d.jsonPath))),
      ),
    ],
  };
}

const str = (o: unknown, ...p: string[]) => {
  const v = getPath(o, p);
  return v === undefined || v === null ? '' : String(v);
};
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function nodeStatus(o: KubeObject): string {
  const conditions = list(getPath(o, ['status', 'conditions']));
  const ready = conditions.find(c => c.type === 'Ready');
  let readiness = 'Unknown';
  if (ready) readiness = ready.status === 'True' ? 'Ready' : 'NotReady';
  const parts = [readiness];
  if (getPath(o, ['spec', 'unschedulable']) === true)
    parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) {
      roles.add(v);
    }
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  const a = list(getPath(o, ['status', 'addresses'])).find(
    x => x.type === type,
  );
  return a ? String(a.address) : '<none>';
}

function podCells(o: KubeObject): unknown[] {
  const containers = list(getPath(o, ['spec', 'containers']));
  const statuses = list(getPath(o, ['status', 'containerStatuses']));
  const ready = statuses.filter(s => s.ready === true).length;
  let restarts = 0;
  let reason = str(o, 'status', 'reason') || str(o, 'status', 'phase');
  for (const s of statuses) {
    restarts += typeof s.restartCount === 'number' ? s.restartCount : 0;
    const waiting = str(s, 'state', 'waiting', 'reason');
    const terminated = str(s, 'state', 'terminated', 'reason');
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated;
  }
  if (o.metadata.deletionTimestamp) reason = 'Terminating';
  return [
    o.metadata.name,
    `${ready}/${containers.length}`,
    reason,
    restarts,
    age(o),
    str(o, 'status', 'podIP') || '<none>',
    str(o, 'spec', 'nodeName') || '<none>',
    str(o, 'status', 'nominatedNodeName') || '<none>',
    '<none>',
  ];
}

const BUILTIN: Record<string, Printer> = {
  '/nodes': {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of internal IPs for the node.', 1),
      col('External-IP', 'string', 'List of external IPs for the node.', 1),
      col(
        'OS-Image',
        'string',
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
        1,
      ),
      col(
        'Kernel-Version',
        'string',
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        1,
      ),
      col(
        'Container-Runtime',
        'string',
        'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
        1,
      ),
    ],
    cells: o => [
      o.metadata.name,
      nodeStatus(o),
      nodeRoles(o),
      age(o),
      str(o, 'status', 'nodeInfo', 'kubeletVersion'),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      str(o, 'status', 'nodeInfo', 'osImage') || '<unknown>',
      str(o, 'status', 'nodeInfo', 'kernelVersion') || '<unknown>',
      str(o, 'status', 'nodeInfo', 'containerRuntimeVersion') || '<unknown>',
    ],
  },
  '/pods': {
    columns: [
      NAME,
      col(
        'Ready',
        'string',
        'The aggregate readiness state of this pod for accepting traffic.',
      ),
      col(
        'Status',
        'string',
        'The aggregate status of the containers in this pod.',
      ),
      col(
        'Restarts',
        'string',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      AGE,
      col(
        'IP',
        'string',
        'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
        1,
      ),
      col(
        'Node',
        'string',
        'NodeName is a request to schedule this pod onto a specific node.',
        1,
      ),
      col(
        'Nominated Node',
        'string',
        'nominatedNodeName is set when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
        1,
      ),
      col(
        'Readiness Gates',
        'string',
        'If specified, all readiness gates will be evaluated for pod readiness.',
        1,
      ),
    ],
    cells: podCells,
  },
  '/namespaces': {
    columns: [
      NAME,
      col('Status', 'string', 'The status of the namespace'),
      AGE,
    ],
    cells: o => [o.metadata.name, str(o, 'status', 'phase'), age(o)],
  },
  '/configmaps': {
    columns: [
      NAME,
      col('Data', 'string', 'Data contains the configuration data.'),
      AGE,
    ],
    cells: o => [
      o.metadata.name,
      Object.keys(isObj(o.data) ? o.data : {}).length +
        Object.keys(isObj(o.binaryData) ? o.binaryData : {}).length,
      age(o),
    ],
  },
  '/secrets': {
    columns: [
      NAME,
      col(
        'Type',
        'string',
        'Used to facilitate programmatic handling of secret data.',
      ),
      col('Data', 'string', 'Data contains the secret data.'),
      AGE,
    ],
    cells: o => [
      o.metadata.name,
      str(o, 'type'),
      Object.keys(isObj(o.data) ? o.data : {}).length,
      age(o),
    ],
  },
  'batch/jobs': {
    columns: [
      NAME,
      col('Status', 'string', 'Status of the job.'),
      col(
        'Completions',
        'string',
        'The completed job pods and the desired ones.',
      ),
      col('Duration', 'string', 'Time required to complete the job.'),
      AGE,
    ],
    cells: o => {
      const conditions = list(getPath(o, ['status', 'conditions']));
      const done = (t: string) =>
        conditions.some(c => c.type === t && c.status === 'True');
      let status = 'Running';
      if (done('Complete')) status = 'Complete';
      else if (done('Failed')) status = 'Failed';
      else if (o.metadata.deletionTimestamp) status = 'Terminating';
      const start = Date.parse(str(o, 'status', 'startTime'));
      const end = Date.parse(str(o, 'status', 'completionTime'));
      const duration = Number.isNaN(start)
        ? ''
        : humanDuration((Number.isNaN(end) ? Date.now() : end) - start);
      const completions = getPath(o, ['spec', 'completions']);
      const succeeded = Number(getPath(o, ['status', 'succeeded']) ?? 0);
      return [
        o.metadata.name,
        status,
        `${succeeded}/${typeof completions === 'number' ? completions : 1}`,
        duration,
        age(o),
      ];
    },
  },
};

/** Printer of a type; built-in kinds without their own printer show Name and Age. */
export function printerFor(r: ResourceDef): Printer {
  if (r.custom) return crdPrinter(r);
  return (
    BUILTIN[`${r.group}/${r.plural}`] ?? {
      columns: [NAME, AGE],
      cells: o => [o.metadata.name, age(o)],
    }
  );
}

function rowObject(o: KubeObject, includeObject: string): unknown {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return o;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

/** A Table of objects (`includeObject`: None, Metadata (default) or Object). */
export function toTable(
  r: ResourceDef,
  items: KubeObject[],
  listMeta: Obj,
  opts: {
    includeObject?: string;
    noHeaders?: boolean;
    apiVersion?: string;
  } = {},
): Obj {
  const p = printerFor(r);
  const table: Obj = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.apiVersion ?? 'v1'}`,
    metadata: listMeta,
  };
  if (!opts.noHeaders) table.columnDefinitions = p.columns;
  table.rows = items.map(o => {
    const row: Obj = { cells: p.cells(o) };
    const object = rowObject(o, opts.includeObject ?? 'Metadata');
    if (object) row.object = object;
    return row;
  });
  return table;
}
