import type {
  BillingLocation,
  ModelsLocation,
  SchedulerTask,
  ServerListResponse,
  UsageComparison,
} from './types';

export const usage = (
  thisMonth: [number, number, string],
  lastMonth: [number, number, string],
): UsageComparison => ({
  currency: 'USD',
  thisMonth: {
    from: '2026-12-01',
    to: '2026-12-02',
    requests: thisMonth[0],
    tokens: thisMonth[1],
    revenue: thisMonth[2],
  },
  lastMonth: {
    from: '2026-11-01',
    to: '2026-11-02',
    requests: lastMonth[0],
    tokens: lastMonth[1],
    revenue: lastMonth[2],
  },
  daily: [
    {
      day: '2026-12-01',
      requests: thisMonth[0],
      tokens: thisMonth[1],
      revenue: thisMonth[2],
    },
    { day: '2026-12-02', requests: 0, tokens: 0, revenue: '0' },
  ],
  lastMonthDaily: [
    {
      day: '2026-11-01',
      requests: lastMonth[0],
      tokens: lastMonth[1],
      revenue: lastMonth[2],
    },
    { day: '2026-11-02', requests: 0, tokens: 0, revenue: '0' },
  ],
});

const up = (system: 'kubernetes' | 'bifrost' | 'odoo', latencyMs: number) => ({
  system,
  reachable: true,
  latencyMs,
});
const down = (location: string, system: 'kubernetes' | 'bifrost' | 'odoo') => ({
  system,
  reachable: false,
  error: `location ${location}: ${system}: connect ECONNREFUSED`,
});

export const models: ModelsLocation[] = [
  {
    location: 'local',
    title: 'Local',
    cluster: up('kubernetes', 4),
    models: {
      total: 8,
      ready: 6,
      scaledToZero: 1,
      notReady: ['deepseek-r1'],
      notReadyCount: 1,
      replicas: { ready: 6, desired: 7 },
    },
  },
  {
    location: 'pr',
    title: 'Puerto Rico',
    cluster: down('pr', 'kubernetes'),
    error: {
      location: 'pr',
      system: 'kubernetes',
      message: 'location pr: kubernetes: connect ECONNREFUSED',
    },
  },
];

export const billing: BillingLocation[] = [
  {
    location: 'local',
    title: 'Local',
    bifrost: up('bifrost', 7),
    odoo: up('odoo', 9),
    usage: usage([1200, 34000, '12.5'], [1000, 30000, '10.25']),
    approvals: {
      count: 1,
      items: [
        {
          id: 'r1',
          companyName: 'Waiting Corp',
          createdAt: '2026-12-01T00:00:00Z',
          ageHours: 30,
        },
      ],
    },
    lastInvoiceRun: {
      id: 'run-1',
      location: 'local',
      month: '2026-11',
      dryRun: 'none',
      state: 'failed',
      triggeredBy: 'scheduler',
      currency: 'USD',
      startedAt: '2026-12-02T00:00:00Z',
      invoiceCount: 2,
      total: '10.25',
      exactTotal: '10.25',
    },
  },
  {
    location: 'pr',
    title: 'Puerto Rico',
    bifrost: down('pr', 'bifrost'),
    odoo: down('pr', 'odoo'),
    usage: usage([5, 50, '0.1'], [0, 0, '0']),
    approvals: { count: 0, items: [] },
    errors: [
      {
        location: 'pr',
        system: 'bifrost',
        message: 'location pr: bifrost: connect ECONNREFUSED',
      },
      {
        location: 'pr',
        system: 'odoo',
        message: 'location pr: odoo: connect ECONNREFUSED',
      },
    ],
  },
];

export const servers: Pick<ServerListResponse, 'summaries' | 'errors'> = {
  summaries: [
    {
      location: 'local',
      gpus: [{ product: 'NVIDIA RTX 4090', total: 2, free: 1 }],
    },
  ],
  errors: [
    {
      location: 'pr',
      system: 'kubernetes',
      message: 'location pr: kubernetes: connect ECONNREFUSED',
    },
  ],
};

export const tasks: SchedulerTask[] = [
  {
    taskId: 'usage-ingestion:local',
    pluginId: 'inference-billing',
    taskState: {
      status: 'idle',
      lastRunEndedAt: '2026-12-02T10:00:00.000+00:00',
      lastRunError:
        '{"name":"ExternalSystemError","message":"location local: bifrost: timed out"}',
    },
  },
  {
    taskId: 'usage-ingestion:pr',
    pluginId: 'inference-billing',
    taskState: {
      status: 'idle',
      lastRunEndedAt: '2026-12-02T10:00:00.000+00:00',
    },
  },
  {
    taskId: 'onboarding-reveal-purge',
    pluginId: 'inference-billing',
    taskState: {
      status: 'idle',
      lastRunError: '{"name":"Error","message":"database is locked"}',
    },
  },
  {
    taskId: 'inference-models:pr:refresh',
    pluginId: 'catalog',
    taskState: null,
  },
];
