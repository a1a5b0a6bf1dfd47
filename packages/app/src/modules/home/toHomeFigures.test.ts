import { billing, models, servers, tasks } from './fixtures';
import { addDecimals, toFailedTasks, toHomeFigures } from './toHomeFigures';

describe('addDecimals', () => {
  it('adds decimal strings exactly', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('10.25', '12.5')).toBe('22.75');
    expect(addDecimals('0', '0.000000000000000001')).toBe(
      '0.000000000000000001',
    );
    expect(addDecimals('99999999999999999999', '1')).toBe(
      '100000000000000000000',
    );
    expect(addDecimals('0.5', '0.5')).toBe('1');
  });
});

describe('toFailedTasks', () => {
  it('keeps the tasks whose last run failed, with the location their id names', () => {
    expect(toFailedTasks(tasks, ['local', 'pr'])).toEqual([
      {
        taskId: 'onboarding-reveal-purge',
        pluginId: 'inference-billing',
        error: '{"name":"Error","message":"database is locked"}',
        href: '/inference/approvals',
      },
      {
        taskId: 'usage-ingestion:local',
        pluginId: 'inference-billing',
        location: 'local',
        endedAt: '2026-12-02T10:00:00.000+00:00',
        error:
          '{"name":"ExternalSystemError","message":"location local: bifrost: timed out"}',
        href: '/inference/customers?location=local',
      },
    ]);
  });
});

describe('toHomeFigures', () => {
  it("joins each location's figures and marks the one where nothing answers as down", () => {
    const { locations } = toHomeFigures({
      models,
      billing,
      servers,
      tasks,
      pendingApprovals: 1,
    });
    expect(locations.map(l => [l.location, l.title, l.down])).toEqual([
      ['local', 'Local', false],
      ['pr', 'Puerto Rico', true],
    ]);
    const [local, pr] = locations;
    expect(local.models?.ready).toBe(6);
    expect(local.gpus).toEqual([
      { product: 'NVIDIA RTX 4090', total: 2, free: 1 },
    ]);
    expect(local.failedTasks.map(t => t.taskId)).toEqual([
      'usage-ingestion:local',
    ]);
    expect(local.errors).toEqual([]);
    expect(pr.models).toBeUndefined();
    // Each system's error once, though two backends report the cluster's.
    expect(pr.errors).toEqual([
      'location pr: kubernetes: connect ECONNREFUSED',
      'location pr: bifrost: connect ECONNREFUSED',
      'location pr: odoo: connect ECONNREFUSED',
    ]);
  });

  it('adds up the company totals, revenue exactly', () => {
    const { company } = toHomeFigures({
      models,
      billing,
      servers,
      tasks,
      pendingApprovals: 1,
    });
    expect(company).toEqual({
      locations: 2,
      locationsUp: 1,
      locationsNotUp: [
        { location: 'pr', systemsDown: ['cluster', 'bifrost', 'odoo'] },
      ],
      models: { total: 8, ready: 6, scaledToZero: 1, notReady: 1 },
      gpus: { total: 2, busy: 1 },
      usage: [
        {
          currency: 'USD',
          thisMonth: { requests: 1205, tokens: 34050, revenue: '12.6' },
          lastMonth: { requests: 1000, tokens: 30000, revenue: '10.25' },
        },
      ],
      pendingApprovals: 1,
      failedTasks: toFailedTasks(tasks, ['local', 'pr']),
    });
  });

  it('counts a location as up only when every system answers, and says which did not', () => {
    const bifrostDown = billing.map(b =>
      b.location === 'local'
        ? { ...b, bifrost: { ...b.bifrost, reachable: false } }
        : b,
    );
    const { locations, company } = toHomeFigures({
      models,
      billing: bifrostDown,
      servers,
    });
    const local = locations.find(l => l.location === 'local')!;
    expect(local.down).toBe(false);
    expect(local.systemsDown).toEqual(['bifrost']);
    expect(company.locationsUp).toBe(0);
    expect(company.locationsNotUp).toEqual([
      { location: 'local', systemsDown: ['bifrost'] },
      { location: 'pr', systemsDown: ['cluster', 'bifrost', 'odoo'] },
    ]);
  });

  it('shows what the other backends report when one could not be read', () => {
    const { locations, company } = toHomeFigures({ billing });
    expect(locations.map(l => l.location)).toEqual(['local', 'pr']);
    expect(locations[0].cluster).toBeUndefined();
    expect(locations[0].usage?.thisMonth.requests).toBe(1200);
    expect(company.pendingApprovals).toBeUndefined();
  });
});
