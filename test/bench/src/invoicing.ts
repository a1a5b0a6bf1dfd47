/*
 * Invoice run (dry_run=all) over one month of usage, and the raw-event
 * queries, on one generated data set.
 * Targets: on PostgreSQL, 10,000,000 events of 1,000 customers and
 * 20 models: the run's wall time <= 0.25 x the single SQL GROUP BY customer,
 * model over the raw events (same database, same run), its totals equal to
 * that query's exactly, peak RSS of the backend <= 300 MB; raw-event queries
 * (customer drill-down, usage over 30 days of one customer) <= 100 ms
 * through an index, half-open ranges.
 * The runs are triggered over HTTP (static API key) in compiled backends of
 * their own, production-shaped (see backendProcess.ts): the billing backend
 * of the split deployment (packages/backend-billing with the NODE_OPTIONS
 * of infra/kubernetes/base/billing.yaml), which is the backend that runs
 * invoice runs in production, and, for comparison, the single backend with
 * every plugin (packages/backend without a discovery endpoint for the
 * billing plugin, as the dev sandbox runs it). Each backend's peak RSS
 * (VmHWM) includes its startup.
 */
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { UsageLedgerStore } from '@internal/backstage-plugin-inference-billing-backend/src/database/UsageLedgerStore';
import { Money } from '@internal/backstage-plugin-inference-billing-backend/src/mapping/toRollupDeltas';
import type { Knex } from 'knex';
import {
  startBifrostEmulator,
  startKubernetesEmulator,
} from '@internal/test-emulators';
import yaml from 'js-yaml';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  bundle,
  memoryOf,
  productionWorkingDir,
  repoRoot,
  startBackendProcess,
} from './backendProcess';
import { freePort } from './emulatedLocations';
import { rawQueries } from './rawQueries';
import { benchDatabase, figure, mib } from './util';

const LOCATION = 'bench';
const FROM = '2026-10-01T00:00:00.000Z';
const TO = '2026-11-01T00:00:00.000Z';
const MONTH_SECONDS = 31 * 86_400;

/**
 * `events` requests spread evenly over October 2026, customer `g % customers`,
 * model `(g / customers) % models`, prices per model with 8 decimals; then
 * the daily rollups, as ingestion would have left them. All in SQL.
 */
export async function generate(
  knex: Knex,
  events: number,
  customers: number,
  models: number,
) {
  await knex.raw(
    'ALTER TABLE usage_records DROP CONSTRAINT usage_records_pkey',
  );
  await knex.raw('DROP INDEX usage_records_customer_time_idx');
  const chunk = 1_000_000;
  for (let start = 0; start < events; start += chunk) {
    const end = Math.min(events, start + chunk) - 1;
    await knex.raw(
      `INSERT INTO usage_records (location, request_id, occurred_at, day, customer_id,
         virtual_key_id, provider, model, status, prompt_tokens, completion_tokens,
         prompt_price, completion_price, ingested_at)
       SELECT ?, 'r' || g, to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(ts, 'YYYY-MM-DD'),
         'cust-' || lpad((g % ?)::text, 5, '0'), 'vk-' || (g % ?), 'kubeai',
         'model-' || lpad(((g / ?) % ?)::text, 2, '0'), 'success',
         100 + g % 900, 50 + g % 300,
         (0.00000137 * (1 + (g / ?) % ?))::numeric(20, 8)::text,
         (0.00000411 * (1 + (g / ?) % ?))::numeric(20, 8)::text,
         '2026-11-02T00:00:00.000Z'
       FROM generate_series(?::bigint, ?::bigint) AS g,
         LATERAL (SELECT timestamp '2026-10-01' + (g * ?::double precision / ?) * interval '1 second' AS ts) t`,
      [
        LOCATION,
        customers,
        customers,
        customers,
        models,
        customers,
        models,
        customers,
        models,
        start,
        end,
        MONTH_SECONDS,
        events,
      ],
    );
  }
  await knex.raw(
    'ALTER TABLE usage_records ADD CONSTRAINT usage_records_pkey PRIMARY KEY (request_id, location)',
  );
  await knex.raw(
    'CREATE INDEX usage_records_customer_time_idx ON usage_records (customer_id, location, occurred_at)',
  );
  await knex.raw(
    `INSERT INTO usage_daily (location, customer_id, model, day, requests, prompt_tokens,
       completion_tokens, cost, unpriced)
     SELECT location, customer_id, model, day, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens),
       SUM(prompt_tokens * prompt_price::numeric + completion_tokens * completion_price::numeric), false
     FROM usage_records GROUP BY location, customer_id, model, day`,
  );
  await knex.raw(
    `INSERT INTO usage_ledger_marks (location, latest_occurred_at)
     SELECT location, MAX(occurred_at) FROM usage_records GROUP BY location`,
  );
  await knex.raw('VACUUM ANALYZE usage_records');
  await knex.raw('VACUUM ANALYZE usage_daily');
}

/**
 * Starts a backend package of the portal (compiled) on the bench database with a `bench`
 * location (Kubernetes and Bifrost emulators without data: the run's
 * ledger catch-up finds nothing new), lets it settle, then triggers 3
 * `dry_run=all` runs over HTTP with a static API key, as the control API's
 * callers do.
 */
async function runInBackend(
  admin: Knex,
  database: string,
  name: string,
  backendSpec: {
    /** The package under packages/: `backend` or `backend-billing`. */
    backendPackage: string;
    nodeOptions: string;
  },
) {
  const kube = await startKubernetesEmulator({ controller: false });
  kube.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
  ]);
  const bifrost = await startBifrostEmulator();
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('base64url');
  const configFile = path.join(repoRoot, `test/bench/dist/${name}.yaml`);
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        // Every plugin on PostgreSQL as in production: the others in
        // databases `<bench database>_<plugin>`, dropped afterwards.
        database: {
          client: 'pg',
          connection: { host: '127.0.0.1', port: 5432, user: 'postgres' },
          prefix: `${database}_`,
          plugin: { 'inference-billing': { connection: { database } } },
        },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token, subject: 'bench' },
              accessRestrictions: [
                {
                  plugin: 'inference-billing',
                  permission: ['inference.invoice.generate'],
                },
              ],
            },
          ],
        },
      },
      inference: {
        locations: [
          {
            name: LOCATION,
            title: 'Bench',
            domain: 'bench.example.com',
            countryCode: 'RO',
            cluster: LOCATION,
            kubeaiNamespace: 'kubeai',
            bifrost: { baseUrl: bifrost.url },
            billing: { currency: 'EUR', invoiceDay: 2 },
          },
        ],
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'singleTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: LOCATION,
                url: kube.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: kube.token,
                skipTLSVerify: true,
                skipMetricsLookup: true,
              },
            ],
          },
        ],
      },
    }),
  );
  const backend = await startBackendProcess({
    bundlePath: await bundle(
      path.join(
        repoRoot,
        'packages',
        backendSpec.backendPackage,
        'src/index.ts',
      ),
      backendSpec.backendPackage,
    ),
    cwd: await productionWorkingDir(),
    configFiles: [path.join(repoRoot, 'app-config.yaml'), configFile],
    port,
    env: { NODE_OPTIONS: backendSpec.nodeOptions },
  });
  try {
    // Startup work (catalog processing, first ingestion, search indexing).
    await new Promise(r => setTimeout(r, 20_000));
    const idle = memoryOf(backend.child.pid!).rss;
    const times: number[] = [];
    let run: any;
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(
        `${backend.url}/api/inference-billing/invoicing/generate?location=${LOCATION}&date=2026-11-02&dry_run=all`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` } },
      );
      run = await res.json();
      times.push(seconds(t));
      if (res.status !== 200) {
        throw new Error(
          `invoice run: HTTP ${res.status} ${JSON.stringify(run)}`,
        );
      }
    }
    const { peak } = memoryOf(backend.child.pid!);
    return {
      times,
      idle,
      peak,
      run: run as {
        state: string;
        exactTotal: string;
        invoices: Array<{ customerId: string; exactTotal: string }>;
      },
    };
  } finally {
    await backend.stop();
    await kube.close();
    await bifrost.close();
    const { rows } = await admin.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${database}\\_%`],
    );
    for (const { datname } of rows) {
      await admin.raw('DROP DATABASE ?? WITH (FORCE)', [datname]);
    }
  }
}

/**
 * NODE_OPTIONS of the billing Deployment (infra/kubernetes/base/billing.yaml):
 * the bench runs the billing backend as production does.
 */
export function billingNodeOptions(): string {
  const [deployment] = yaml
    .loadAll(
      fs.readFileSync(
        path.join(repoRoot, 'infra/kubernetes/base/billing.yaml'),
        'utf8',
      ),
    )
    .filter((o: any) => o?.kind === 'Deployment') as any[];
  const value = deployment?.spec.template.spec.containers[0].env.find(
    (e: any) => e.name === 'NODE_OPTIONS',
  )?.value;
  if (typeof value !== 'string') {
    throw new Error('infra/kubernetes/base/billing.yaml sets no NODE_OPTIONS');
  }
  return value;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function invoicing(events: number, customers = 1000, models = 20) {
  const db = await benchDatabase();
  try {
    if (!db.kind.startsWith('PostgreSQL')) {
      throw new Error(
        'the invoicing benchmark needs PostgreSQL at 127.0.0.1:5432',
      );
    }
    const database: DatabaseService = { getClient: async () => db.knex };
    const ledger = await UsageLedgerStore.create(database);
    const t0 = process.hrtime.bigint();
    await generate(db.knex, events, customers, models);
    figure('invoicing database', db.kind);
    figure(
      'invoicing data set (generate_series + rollups)',
      `${events.toLocaleString(
        'en-US',
      )} events, ${customers} customers, ${models} models, ${seconds(
        t0,
      ).toFixed(0)} s`,
    );
    const [{ n: rollups }] = (
      await db.knex.raw('SELECT COUNT(*)::int AS n FROM usage_daily')
    ).rows;
    figure('invoicing daily rollup rows', String(rollups));

    // The single SQL GROUP BY over the raw events of the month.
    const baselineSql = `SELECT customer_id, model,
        SUM(prompt_tokens * prompt_price::numeric + completion_tokens * completion_price::numeric)::text AS cost
      FROM usage_records
      WHERE location = ? AND occurred_at >= ? AND occurred_at < ?
      GROUP BY customer_id, model`;
    let baselineRows: Array<{ customer_id: string; cost: string }> = [];
    const baselineTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      baselineRows = (await db.knex.raw(baselineSql, [LOCATION, FROM, TO]))
        .rows;
      baselineTimes.push(seconds(t));
    }

    // The runs over HTTP in a compiled backend of its own: the portal's
    // (packages/backend, every plugin) and the billing plugin's alone
    // (packages/backend-billing, a split deployment). Their peak RSS is the
    // backend's.
    const benchDb = (db.knex.client.config.connection as any).database;
    const portal = await runInBackend(db.knex, benchDb, 'portal-backend', {
      backendPackage: 'backend',
      nodeOptions: '',
    });
    const measured = await runInBackend(db.knex, benchDb, 'billing-backend', {
      backendPackage: 'backend-billing',
      nodeOptions: billingNodeOptions(),
    });
    const runTimes = measured.times;
    const run = measured.run;

    const expected = new Map<string, InstanceType<typeof Money>>();
    let expectedTotal = new Money(0);
    for (const r of baselineRows) {
      const cost = new Money(r.cost);
      expected.set(
        r.customer_id,
        (expected.get(r.customer_id) ?? new Money(0)).plus(cost),
      );
      expectedTotal = expectedTotal.plus(cost);
    }
    const mismatches = run!.invoices.filter(
      i => !new Money(i.exactTotal).equals(expected.get(i.customerId) ?? -1),
    ).length;
    const equal =
      run!.state === 'succeeded' &&
      portal.run.state === 'succeeded' &&
      portal.run.exactTotal === run!.exactTotal &&
      run!.invoices.length === expected.size &&
      mismatches === 0 &&
      new Money(run!.exactTotal).equals(expectedTotal);

    const base = median(baselineTimes);
    const inv = median(runTimes);
    figure(
      'raw GROUP BY customer, model (median of 3)',
      `${(base * 1000).toFixed(0)} ms (${baselineRows.length} groups)`,
    );
    figure(
      'invoice run dry_run=all, billing backend (median of 3)',
      `${(inv * 1000).toFixed(0)} ms (${run!.invoices.length} invoices)`,
    );
    figure(
      'invoice run / raw GROUP BY (target <= 0.25)',
      `${(inv / base).toFixed(3)}`,
    );
    figure(
      'invoice totals equal the raw GROUP BY exactly',
      equal
        ? `yes (total ${expectedTotal.toFixed()})`
        : `NO (${mismatches} customers differ; run ${
            run!.exactTotal
          }, raw ${expectedTotal.toFixed()})`,
    );
    for (const [label, m] of [
      [
        'billing backend (split deployment): peak RSS over 3 runs (target <= 300 MB)',
        measured,
      ],
      [
        'single backend, every plugin: peak RSS over 3 runs (no target)',
        portal,
      ],
    ] as const) {
      figure(
        label,
        `${mib(m.peak)} = ${(m.peak / 1e6).toFixed(0)} MB (${mib(
          m.idle,
        )} idle before the first run)`,
      );
    }
    figure(
      'single backend: invoice run dry_run=all (median of 3)',
      `${(median(portal.times) * 1000).toFixed(0)} ms`,
    );
    await rawQueries(db.knex, ledger, LOCATION, customers);
  } finally {
    await db.drop();
  }
}
