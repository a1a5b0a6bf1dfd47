import yaml from 'js-yaml';
import {
  SANDBOX_LOCATIONS,
  type Sandbox,
  type SandboxLocation,
  sandboxPrices,
  startSandbox,
} from '@internal/test-emulators';
import { mergeKubeconfigs, sandboxState } from './state';

const NOW = new Date('2026-12-05T09:00:00Z');

type LocationConfig = {
  name: string;
  countryCode: string;
  cluster: string;
  billing: { currency: string };
  servers: Array<{ name: string; roles: string[] }>;
  bifrost: { baseUrl: string; adminPassword: string };
};

describe('sandbox with three locations', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      locations: SANDBOX_LOCATIONS,
      days: 60,
      now: NOW,
      modelReadyDelayMs: 0,
    });
  });
  afterAll(() => sandbox?.close());

  const loc = (name: string): SandboxLocation => sandbox.locations[name];
  const locationConfig = (name: string) =>
    (
      sandbox.config.inference as { locations: LocationConfig[] }
    ).locations.find(l => l.name === name)!;

  const gpus = (l: SandboxLocation) =>
    l.kubernetes.list('v1', 'Node', {}).map(n => {
      const labels = n.metadata?.labels ?? {};
      const capacity = (n.status as { capacity: Record<string, string> })
        .capacity;
      return {
        node: n.metadata?.name,
        product: labels['nvidia.com/gpu.product'],
        count: Number(capacity['nvidia.com/gpu'] ?? 0),
      };
    });

  it('configures local, stalpeni and pr with their own country, currency and cluster', () => {
    const locations = (
      sandbox.config.inference as { locations: LocationConfig[] }
    ).locations;
    expect(
      locations.map(l => [
        l.name,
        l.countryCode,
        l.billing.currency,
        l.cluster,
      ]),
    ).toEqual([
      ['local', 'RO', 'EUR', 'local'],
      ['stalpeni', 'RO', 'EUR', 'stalpeni'],
      ['pr', 'PR', 'USD', 'pr'],
    ]);
    const clusters = (
      sandbox.config.kubernetes as {
        clusterLocatorMethods: Array<{
          clusters: Array<{ name: string; url: string }>;
        }>;
      }
    ).clusterLocatorMethods[0].clusters;
    expect(clusters.map(c => c.name)).toEqual(['local', 'stalpeni', 'pr']);
    expect(clusters.map(c => c.url)).toEqual(
      SANDBOX_LOCATIONS.map(n => loc(n).kubernetes.url),
    );
    // Each location has its own emulators and credentials.
    expect(new Set(locations.map(l => l.bifrost.baseUrl)).size).toBe(3);
    expect(new Set(sandbox.secrets).size).toBe(9);
    // The first location's emulators stay at the top level.
    expect(sandbox.bifrost).toBe(loc('local').bifrost);
  });

  it('gives each location its servers and GPU mix', () => {
    expect(locationConfig('local').servers.map(s => s.name)).toEqual([
      'node1',
      'node2',
      'node3',
    ]);
    expect(gpus(loc('local')).filter(g => g.count > 0)).toEqual([
      { node: 'node1', product: 'NVIDIA-GeForce-RTX-3090', count: 8 },
    ]);

    expect(locationConfig('stalpeni').servers).toHaveLength(4);
    const stalpeni = gpus(loc('stalpeni'));
    expect(stalpeni).toHaveLength(4);
    expect(stalpeni.reduce((n, g) => n + g.count, 0)).toBe(8);
    expect(
      new Set(stalpeni.filter(g => g.count > 0).map(g => g.product)).size,
    ).toBe(2);

    expect(locationConfig('pr').servers).toHaveLength(2);
    const pr = gpus(loc('pr'));
    expect(pr.map(g => g.count).sort()).toEqual([0, 1]);
    expect(pr.find(g => g.count === 1)?.product).toBe('NVIDIA-RTX-A2000');
  });

  it('has the GPUs its Models ask for: every Model Pod is scheduled, no GPU is given twice', async () => {
    for (const name of SANDBOX_LOCATIONS) {
      const k = loc(name).kubernetes;
      // KubeAI sets spec.replicas (from minReplicas) on its first reconcile.
      const models = await k.waitFor(() => {
        const list = k.list('kubeai.org/v1', 'Model', {});
        return list.every(
          m => typeof (m.spec as { replicas?: number }).replicas === 'number',
        )
          ? list
          : undefined;
      });
      const wanted = models.reduce(
        (n, m) => n + (m.spec as { replicas: number }).replicas,
        0,
      );
      expect(wanted).toBeGreaterThan(0);
      const modelPods = () =>
        k
          .list('v1', 'Pod', {})
          .filter(
            p =>
              p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubeai',
          );
      // Every replica's Pod exists, then every one runs (or some stay Pending).
      await k.waitFor(() => modelPods().length === wanted);
      await k
        .waitFor(() =>
          modelPods().every(
            p => (p.status as { phase?: string })?.phase === 'Running',
          ),
        )
        .catch(() => undefined);
      const pods = modelPods();
      expect([
        name,
        pods
          .filter(p => (p.status as { phase?: string })?.phase !== 'Running')
          .map(p => p.metadata?.name),
      ]).toEqual([name, []]);
      const capacity = new Map(gpus(loc(name)).map(g => [g.node, g.count]));
      const used = new Map<string, number>();
      for (const p of pods) {
        const node = (p.spec as { nodeName: string }).nodeName;
        const limits = (
          p.spec as {
            containers: Array<{
              resources?: { limits?: Record<string, string> };
            }>;
          }
        ).containers[0].resources?.limits;
        const gpusOfPod = Number(limits?.['nvidia.com/gpu'] ?? 0);
        used.set(node, (used.get(node) ?? 0) + gpusOfPod);
      }
      for (const [node, n] of used) {
        expect([name, node, n <= (capacity.get(node) ?? 0)]).toEqual([
          name,
          node,
          true,
        ]);
      }
    }
  });

  it('deploys some Models under the same name in several locations at different prices', () => {
    const prices = Object.fromEntries(
      SANDBOX_LOCATIONS.map(n => [
        n,
        sandboxPrices(
          loc(n).kubernetes.list('kubeai.org/v1', 'Model', {}) as any,
        ),
      ]),
    );
    const qwen = SANDBOX_LOCATIONS.map(
      n => prices[n].get('qwen25-05b-instruct')?.prompt,
    );
    expect(qwen.every(Boolean)).toBe(true);
    expect(new Set(qwen).size).toBe(3);
    expect(prices.local.get('llama-31-8b-instruct')).not.toEqual(
      prices.stalpeni.get('llama-31-8b-instruct'),
    );
    expect(prices.local.get('nomic-embed-text')).not.toEqual(
      prices.pr.get('nomic-embed-text'),
    );
  });

  it("labels each Model model=<name>, the Kubernetes tab's selector, as its Pods are", () => {
    for (const name of SANDBOX_LOCATIONS) {
      const k = loc(name).kubernetes;
      for (const m of k.list('kubeai.org/v1', 'Model', {})) {
        const selector = `model=${m.metadata.name}`;
        expect([name, m.metadata.labels?.model]).toEqual([
          name,
          m.metadata.name,
        ]);
        expect(
          k
            .list('kubeai.org/v1', 'Model', { labelSelector: selector })
            .map(x => x.metadata.name),
        ).toEqual([m.metadata.name]);
      }
    }
  });

  it('seeds 60 days of usage per location, priced wherever it is invoiced from stalpeni and pr', () => {
    for (const name of SANDBOX_LOCATIONS) {
      const l = loc(name);
      const logs = l.bifrost.logs();
      const days = new Set(logs.map(x => x.timestamp.slice(0, 10)));
      // Every day of last month (November 2026) has usage.
      for (let d = 1; d <= 30; d++) {
        expect(days).toContain(`2026-11-${String(d).padStart(2, '0')}`);
      }
      expect(days.size).toBe(60);
      // Request ids are unique across locations too.
      expect(
        logs.every(x =>
          name === 'local'
            ? /^sandbox-\d{6}$/.test(x.id)
            : x.id.startsWith(`sandbox-${name}-`),
        ),
      ).toBe(true);
      if (name === 'local') continue;
      const priced = sandboxPrices(
        l.kubernetes.list('kubeai.org/v1', 'Model', {}) as any,
      );
      const unpriced = logs.filter(x => !priced.has(x.model));
      expect(unpriced).toEqual([]);
    }
  });

  it("charges each customer's budget with what its logs cost this month, as the gateway did", () => {
    for (const name of SANDBOX_LOCATIONS) {
      const l = loc(name);
      const logs = l.bifrost.logs();
      for (const c of l.bifrost.customers()) {
        const [budget] = c.budgets ?? [];
        expect(budget.last_reset).toBe('2026-12-01T00:00:00.000Z');
        const spent = logs
          .filter(
            x => x.customer_id === c.id && x.timestamp >= budget.last_reset,
          )
          .reduce((sum, x) => sum + (x.cost ?? 0), 0);
        expect(spent).toBeGreaterThan(0);
        expect(budget.current_usage).toBeCloseTo(spent, 9);
        expect(budget.current_usage).toBeLessThan(budget.max_limit);
      }
    }
  });

  it('has a customer in two locations, with an Odoo partner holding its e-mail in each', () => {
    const names = (n: string) =>
      loc(n)
        .bifrost.customers()
        .map(c => c.name);
    expect(names('local')).toEqual([
      'Acme Robotics SRL',
      'Globex Analytics',
      'Initech Legal',
    ]);
    expect(names('stalpeni')).toContain('Vandelay Industries');
    expect(names('pr')).toContain('Vandelay Industries');
    for (const n of ['stalpeni', 'pr']) {
      const customers = loc(n).bifrost.customers();
      const partners = loc(n).odoo.records('res.partner');
      for (const c of customers) {
        const partner = partners.find(p => p.ref === c.id);
        expect(partner?.email).toMatch(/@/);
      }
    }
    // local's customers get their partner from the invoice run, without e-mail.
    const localIds = loc('local')
      .bifrost.customers()
      .map(c => c.id);
    expect(
      loc('local')
        .odoo.records('res.partner')
        .filter(p => localIds.includes(p.ref as string)),
    ).toEqual([]);
  });

  it("keeps stalpeni's and local's emulators answering while pr's Bifrost fails", async () => {
    const state = sandboxState(sandbox, process.pid);
    const basic = (n: string) =>
      `Basic ${Buffer.from(
        `admin:${locationConfig(n).bifrost.adminPassword}`,
      ).toString('base64')}`;
    const customers = (n: string) =>
      fetch(`${state.locations[n].bifrost}/api/governance/customers`, {
        headers: { authorization: basic(n) },
      });
    // As the README does it: over HTTP, against the address in emulators.json.
    const injected = await fetch(
      `${state.locations.pr.bifrost}/__emulator/faults`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: '5xx', status: 503 }),
      },
    );
    expect(injected.status).toBe(201);
    try {
      expect((await customers('pr')).status).toBe(503);
      const stalpeni = await customers('stalpeni');
      expect(stalpeni.status).toBe(200);
      expect(JSON.stringify(await stalpeni.json())).toContain(
        'Carpathia Cloud SRL',
      );
      expect((await customers('local')).status).toBe(200);
      // pr's other systems are not affected either.
      const prOdoo = await fetch(`${state.locations.pr.odoo}/web/version`);
      expect(prOdoo.status).toBe(200);
    } finally {
      await fetch(`${state.locations.pr.bifrost}/__emulator/faults`, {
        method: 'DELETE',
      });
    }
    expect((await customers('pr')).status).toBe(200);
  });

  it('writes emulators.json per location, keeping the top-level keys as local', () => {
    const state = sandboxState(sandbox, 1234);
    expect(Object.keys(state.locations)).toEqual(['local', 'stalpeni', 'pr']);
    expect(state.bifrost).toBe(state.locations.local.bifrost);
    expect(state.kubernetes).toBe(state.locations.local.kubernetes);
    expect(state.odoo).toBe(state.locations.local.odoo);
    expect(state.locations.pr.bifrost).toBe(loc('pr').bifrost.url);
    expect(state.pid).toBe(1234);
  });

  it('merges the kubeconfigs into one with a context per location', () => {
    const locations = Object.values(sandbox.locations).filter(
      l => l.kubernetes.tlsUrl,
    );
    if (locations.length < 3) return; // openssl missing: no HTTPS, no kubeconfig
    const merged = yaml.load(
      mergeKubeconfigs(
        locations.map(l => ({
          location: l.name,
          kubeconfigYaml: l.kubernetes.kubectlConfigYaml('kubeai'),
        })),
      ),
    ) as any;
    expect(merged['current-context']).toBe('local');
    expect(merged.contexts).toEqual(
      ['local', 'stalpeni', 'pr'].map(name => ({
        name,
        context: { cluster: name, user: name, namespace: 'kubeai' },
      })),
    );
    expect(merged.clusters.map((c: any) => c.cluster.server)).toEqual(
      locations.map(l => l.kubernetes.tlsUrl),
    );
    expect(new Set(merged.users.map((u: any) => u.user.token)).size).toBe(3);
  });
});

describe('startSandbox defaults', () => {
  it('starts local alone unless told otherwise, and refuses unknown locations', async () => {
    const sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    try {
      expect(Object.keys(sandbox.locations)).toEqual(['local']);
      expect(
        (sandbox.config.inference as { locations: unknown[] }).locations,
      ).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
    await expect(startSandbox({ locations: ['mars' as any] })).rejects.toThrow(
      /sandbox locations must be some of local, stalpeni, pr/,
    );
  });
});
