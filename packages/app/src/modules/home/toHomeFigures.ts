import type {
  BillingLocation,
  GpuSummary,
  InvoiceRun,
  ModelsLocation,
  SchedulerTask,
  ServerListResponse,
  SystemProbe,
  UsageComparison,
} from './types';

/** A scheduled task whose last run failed. */
export interface FailedTask {
  taskId: string;
  pluginId: string;
  /** The location its id names (`usage-ingestion:pr`), if any. */
  location?: string;
  endedAt?: string;
  error: string;
  /** The page behind the work it does. */
  href: string;
}

export interface LocationFigures {
  location: string;
  title: string;
  cluster?: SystemProbe;
  bifrost?: SystemProbe;
  odoo?: SystemProbe;
  models?: ModelsLocation['models'];
  gpus?: GpuSummary['gpus'];
  usage?: UsageComparison;
  approvals?: BillingLocation['approvals'];
  lastInvoiceRun?: InvoiceRun;
  /** The billing backend answered for this location (its runs are known). */
  billingRead: boolean;
  failedTasks: FailedTask[];
  /** What could not be read, each naming location and system. */
  errors: string[];
  /** Nothing of the location could be read: the card shows an error. */
  down: boolean;
  /** Its systems that did not answer (all of them when it is down). */
  systemsDown: Array<'cluster' | 'bifrost' | 'odoo'>;
}

export interface CompanyFigures {
  locations: number;
  /** Locations every system of which answered. */
  locationsUp: number;
  /** The others: down, or with some system not answering. */
  locationsNotUp: Array<{ location: string; systemsDown: string[] }>;
  /** Every Model is one of ready, scaled to zero (on purpose) or not ready. */
  models: {
    total: number;
    ready: number;
    scaledToZero: number;
    notReady: number;
  };
  gpus: { total: number; busy: number };
  /** Per currency: amounts are only added up in one currency. */
  usage: Array<{
    currency: string;
    thisMonth: { requests: number; tokens: number; revenue: string };
    lastMonth: { requests: number; tokens: number; revenue: string };
  }>;
  pendingApprovals?: number;
  failedTasks: FailedTask[];
}

/**
 * The exact sum of non-negative decimal strings ("0.1" + "0.2" = "0.3"):
 * revenue is money, and binary floats would round it.
 */
export function addDecimals(a: string, b: string): string {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const sum =
    BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  const digits = sum.toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** The page behind a scheduled task's work. */
function taskHref(taskId: string, location?: string): string {
  const q = location ? `?location=${encodeURIComponent(location)}` : '';
  if (taskId.startsWith('invoicing')) return `/inference/invoices${q}`;
  if (taskId.startsWith('usage-ingestion') || taskId.startsWith('bifrost-'))
    return `/inference/customers${q}`;
  if (taskId.startsWith('bare-metal')) return `/inference/nodes${q}`;
  if (taskId.startsWith('inference-models')) return `/inference/models${q}`;
  if (taskId.startsWith('onboarding')) return '/inference/approvals';
  return '/catalog';
}

/** Tasks whose last run failed, each attributed to the location its id names. */
export function toFailedTasks(
  tasks: ReadonlyArray<SchedulerTask>,
  locations: ReadonlyArray<string>,
): FailedTask[] {
  return tasks
    .filter(t => t.taskState?.lastRunError)
    .map(t => {
      const location = t.taskId
        .split(':')
        .find(part => locations.includes(part));
      return {
        taskId: t.taskId,
        pluginId: t.pluginId,
        ...(location && { location }),
        ...(t.taskState?.lastRunEndedAt && {
          endedAt: t.taskState.lastRunEndedAt,
        }),
        error: String(t.taskState!.lastRunError),
        href: taskHref(t.taskId, location),
      };
    })
    .sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
}

/**
 * One card's figures per location, from what each backend reported (any of
 * which may be missing: its request failed), and the company totals over
 * them. A location none of whose systems answered is down; one is up only
 * when all of them answered. Pure.
 */
export function toHomeFigures(input: {
  models?: ReadonlyArray<ModelsLocation>;
  billing?: ReadonlyArray<BillingLocation>;
  servers?: Pick<ServerListResponse, 'summaries' | 'errors'>;
  tasks?: ReadonlyArray<SchedulerTask>;
  /** The company's pending approvals, each once (from the billing backend). */
  pendingApprovals?: number;
}): { locations: LocationFigures[]; company: CompanyFigures } {
  const names: string[] = [];
  const titles = new Map<string, string>();
  for (const item of [...(input.models ?? []), ...(input.billing ?? [])]) {
    if (!titles.has(item.location)) names.push(item.location);
    titles.set(item.location, item.title);
  }
  for (const summary of input.servers?.summaries ?? []) {
    if (!titles.has(summary.location)) {
      names.push(summary.location);
      titles.set(summary.location, summary.location);
    }
  }
  const failed = toFailedTasks(input.tasks ?? [], names);

  const locations = names.map((name): LocationFigures => {
    const models = input.models?.find(m => m.location === name);
    const billing = input.billing?.find(b => b.location === name);
    const gpus = input.servers?.summaries.find(s => s.location === name);
    const errors = [
      ...(models?.error ? [models.error.message] : []),
      ...(billing?.errors ?? []).map(e => e.message),
      ...(input.servers?.errors ?? [])
        .filter(e => e.location === name)
        .map(e => e.message),
    ];
    const systems = {
      cluster: models?.cluster,
      bifrost: billing?.bifrost,
      odoo: billing?.odoo,
    };
    const probes = Object.values(systems).filter(
      (p): p is SystemProbe => p !== undefined,
    );
    return {
      location: name,
      title: titles.get(name) ?? name,
      cluster: models?.cluster,
      bifrost: billing?.bifrost,
      odoo: billing?.odoo,
      models: models?.models,
      gpus: gpus?.gpus,
      usage: billing?.usage,
      approvals: billing?.approvals,
      lastInvoiceRun: billing?.lastInvoiceRun,
      billingRead: billing !== undefined,
      failedTasks: failed.filter(t => t.location === name),
      errors: [...new Set(errors)],
      down: probes.length > 0 && probes.every(p => !p.reachable),
      systemsDown: (['cluster', 'bifrost', 'odoo'] as const).filter(
        system => systems[system]?.reachable === false,
      ),
    };
  });

  const usage = new Map<string, CompanyFigures['usage'][number]>();
  for (const l of locations) {
    if (!l.usage) continue;
    const entry = usage.get(l.usage.currency) ?? {
      currency: l.usage.currency,
      thisMonth: { requests: 0, tokens: 0, revenue: '0' },
      lastMonth: { requests: 0, tokens: 0, revenue: '0' },
    };
    for (const period of ['thisMonth', 'lastMonth'] as const) {
      entry[period].requests += l.usage[period].requests;
      entry[period].tokens += l.usage[period].tokens;
      entry[period].revenue = addDecimals(
        entry[period].revenue,
        l.usage[period].revenue,
      );
    }
    usage.set(l.usage.currency, entry);
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const gpus = locations.flatMap(l => l.gpus ?? []);
  return {
    locations,
    company: {
      locations: locations.length,
      locationsUp: locations.filter(l => l.systemsDown.length === 0).length,
      locationsNotUp: locations
        .filter(l => l.systemsDown.length > 0)
        .map(l => ({ location: l.location, systemsDown: l.systemsDown })),
      models: {
        total: sum(locations.map(l => l.models?.total ?? 0)),
        ready: sum(locations.map(l => l.models?.ready ?? 0)),
        scaledToZero: sum(locations.map(l => l.models?.scaledToZero ?? 0)),
        notReady: sum(locations.map(l => l.models?.notReadyCount ?? 0)),
      },
      gpus: {
        total: sum(gpus.map(g => g.total)),
        busy: sum(gpus.map(g => g.total - g.free)),
      },
      usage: [...usage.values()],
      ...(input.pendingApprovals !== undefined && {
        pendingApprovals: input.pendingApprovals,
      }),
      failedTasks: failed,
    },
  };
}
