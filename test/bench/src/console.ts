/*
 * The console in Chromium against the production build: the app built by
 * `backstage-cli package build` and served by the backend's app plugin, the
 * backend (packages/backend) compiled and run with node in production mode,
 * 3 locations x 1,000 Models and 3 x 1,000 customers on emulators. Figures,
 * each with its target and the build it was measured on:
 * - Models page from navigation to its first data row on screen
 *   (target <= 1.5 s);
 * - a keystroke in the Models search box to the table of the new query
 *   (target p95 <= 100 ms);
 * - home page `/` to every location card filled (target <= 2 s);
 * - the JavaScript of the first page load, as transferred (gzip) and
 *   uncompressed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureAppBuild } from './appBuild';
import {
  bundle,
  cpuSecondsOf,
  productionWorkingDir,
  repoRoot,
  startBackendProcess,
} from './backendProcess';
import {
  newBenchContext,
  recordScripts,
  timeClick,
  timeGoto,
  timeKeystroke,
  type Keystroke,
} from './consoleBrowser';
import { startConsoleLocations } from './consoleLocations';
import { freePort } from './emulatedLocations';
import { figure, percentile } from './util';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const ms = (x: number) => `${Math.round(x)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const verdict = (value: number, target: number) =>
  value <= target ? 'met' : 'MISSED';

/** Median / max of `xs` against a target on the median, as one figure. */
function timing(name: string, xs: number[], targetMs: number, build: string) {
  const s = sorted(xs);
  const median = percentile(s, 50);
  figure(
    name,
    `median ${ms(median)} / max ${ms(s[s.length - 1])} over ${
      s.length
    } runs (target <= ${targetMs} ms: ${verdict(median, targetMs)}) [${build}]`,
  );
}

function load(): string {
  return `load average ${os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(', ')} on ${os.cpus().length} cores`;
}

/** The response body as sent for `acceptEncoding` (not decoded) and its encoding. */
function rawGet(
  url: string,
  acceptEncoding: string,
): Promise<{ body: Buffer; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            body: Buffer.concat(chunks),
            encoding: String(res.headers['content-encoding'] ?? 'identity'),
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Until the backend's own CPU use is below 10% over 3 s (startup work done). */
async function waitQuiet(pid: number, maxSeconds: number): Promise<number> {
  const t0 = Date.now();
  let last = cpuSecondsOf(pid);
  let quiet = 0;
  while (Date.now() - t0 < maxSeconds * 1000) {
    await new Promise(r => setTimeout(r, 3000));
    const now = cpuSecondsOf(pid);
    quiet = now - last < 0.3 ? quiet + 1 : 0;
    last = now;
    if (quiet >= 2) break;
  }
  return (Date.now() - t0) / 1000;
}

async function guestToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200) {
    throw new Error(`guest sign-in: HTTP ${res.status} ${await res.text()}`);
  }
  return ((await res.json()) as { backstageIdentity: { token: string } })
    .backstageIdentity.token;
}

/**
 * With BENCH_PROFILE_DIR set, a CPU profile of the page (Chrome DevTools
 * `.cpuprofile`, open it in DevTools' Performance panel; the app's source
 * maps name the functions) is written there for the phase it covers.
 * Profiling slows what it covers: take the figures from a run without it.
 */
async function startProfile(page: Page) {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return undefined;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      await cdp.detach();
      process.stdout.write(`profile: ${file}\n`);
    },
  };
}

/** The search box's queries: each digit typed narrows the list. */
const QUERIES = ['1', '12', '123', '4', '45', '456', '7', '78', '789'].concat(
  ['2', '23', '234', '5', '56', '567', '8', '89', '890'],
  ['3', '34', '345', '6', '67', '678', '9', '90', '901'],
  ['13', '135', '24', '246', '35', '357', '46', '468', '57', '579'],
);

/**
 * Every query typed twice: 74 keystrokes, so that the p95 is the fourth
 * slowest, not the second, and one stray burst of other work moves it less.
 */
const TYPED = [...QUERIES, ...QUERIES];

async function keystrokes(options: {
  page: Page;
  url: string;
  token: string;
}): Promise<Keystroke[]> {
  const { page, url, token } = options;
  const totals = new Map<string, number>();
  for (const q of QUERIES) {
    const res = await fetch(
      `${url}/api/inference-models/models?q=${q}&limit=1`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    totals.set(q, ((await res.json()) as { total: number }).total);
  }
  const all = await fetch(`${url}/api/inference-models/models?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const allModels = ((await all.json()) as { total: number }).total;
  await timeGoto(page, `${url}/inference/models`, 'modelsRow');
  const search = page.locator('input[type="search"]').first();
  await search.focus();
  const samples: Keystroke[] = [];
  let typed = '';
  for (const q of TYPED) {
    if (!q.startsWith(typed) || q.length !== typed.length + 1) {
      // A new word: clear the box (not measured) and wait for the full list.
      await search.fill('');
      // The whole list's count as the page writes it ("3,000 models"), not a
      // count left over from the previous query.
      await page.waitForFunction(
        text =>
          !new URL(location.href).searchParams.get('q') &&
          Array.from(document.querySelectorAll('p')).some(
            p => p.textContent === text,
          ),
        `${allModels.toLocaleString('en-US')} models`,
      );
      await search.focus();
      for (const key of q.slice(0, -1)) {
        await page.keyboard.press(key);
      }
      if (q.length > 1) {
        // The prefix's table first, so only the last key is measured.
        await page.waitForFunction(
          text =>
            Array.from(document.querySelectorAll('p')).some(
              p => p.textContent === text,
            ),
          `${totals.get(q.slice(0, -1))} models match`,
        );
      }
    }
    samples.push(
      await timeKeystroke(page, {
        key: q.slice(-1),
        query: q,
        total: totals.get(q)!,
      }),
    );
    typed = q;
  }
  return samples;
}

/** Start and end (ms from navigation) of the page's API calls and its last script. */
async function timeline(page: Page) {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType(
      'resource',
    ) as PerformanceResourceTiming[];
    const scriptsEnd = Math.max(
      0,
      ...entries
        .filter(e => e.initiatorType === 'script' || e.name.endsWith('.js'))
        .map(e => e.responseEnd),
    );
    const api = entries
      .filter(e => new URL(e.name).pathname.startsWith('/api/'))
      .map(e => ({
        path: new URL(e.name).pathname,
        start: e.startTime,
        end: e.responseEnd,
      }));
    return { scriptsEnd, api };
  });
}

function printTimeline(
  name: string,
  runs: Array<Awaited<ReturnType<typeof timeline>>>,
) {
  const median = (xs: number[]) => percentile(sorted(xs), 50);
  const paths = new Map<string, Array<{ start: number; end: number }>>();
  for (const run of runs) {
    for (const a of run.api) {
      paths.set(a.path, [...(paths.get(a.path) ?? []), a]);
    }
  }
  const parts = [
    `scripts loaded by ${ms(median(runs.map(r => r.scriptsEnd)))}`,
  ];
  for (const [p, xs] of [...paths].sort(
    (a, b) => median(b[1].map(x => x.end)) - median(a[1].map(x => x.end)),
  )) {
    parts.push(
      `${p} ${ms(median(xs.map(x => x.start)))}..${ms(
        median(xs.map(x => x.end)),
      )}`,
    );
  }
  figure(`  ${name}: where the time goes (medians)`, parts.join('; '));
}

export async function consoleBench(options: {
  locations: number;
  models: number;
  customers: number;
  runs: number;
}) {
  process.stdout.write(`${load()} at start\n`);
  const app = await ensureAppBuild();
  const locations = await startConsoleLocations(options);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'portal-bench-console-config-'),
  );
  const configFile = path.join(configDir, 'app-config.bench.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      app: { baseUrl: url },
      backend: {
        baseUrl: url,
        listen: { host: '127.0.0.1', port },
        cors: { origin: url, credentials: true },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: {
        providers: {
          // The sandbox's guest (app-config.yaml: a member of every role
          // group, so it may read every page), allowed in production mode.
          guest: {
            dangerouslyAllowOutsideDevelopment: true,
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: [
              'user:default/guest',
              'group:default/inference-admins',
              'group:default/billing-admins',
              'group:default/sre',
            ],
          },
        },
      },
      // The backend runs outside the repo: absolute paths.
      catalog: {
        locations: [
          {
            type: 'file',
            target: path.join(repoRoot, 'catalog/entities.yaml'),
          },
          {
            type: 'file',
            target: path.join(repoRoot, 'catalog/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
        ],
      },
      ...locations.config,
    }),
    { mode: 0o600 },
  );
  let browser: Browser | undefined;
  const t0 = Date.now();
  const backend = await startBackendProcess({
    bundlePath: await bundle(
      path.join(repoRoot, 'packages/backend/src/index.ts'),
      'console-backend',
    ),
    cwd: await productionWorkingDir({ name: 'portal-bench-console' }),
    configFiles: [path.join(repoRoot, 'app-config.yaml'), configFile],
    port,
    timeoutMs: 300_000,
  });
  try {
    const ready = (Date.now() - t0) / 1000;
    const settle = await waitQuiet(backend.child.pid!, 300);
    const index = await rawGet(`${url}/`, 'gzip');
    const build = `app ${app.description.match(/commit (\w+)/)?.[1]}${
      app.description.includes('uncommitted') ? '+changes' : ''
    }, production`;
    process.stdout.write(
      [
        `build: ${app.description}`,
        `backend: packages/backend/src/index.ts compiled by esbuild (workspace sources bundled, node_modules external, as test/bench's other backends), run as 'node <bundle>' with NODE_ENV=production from a directory outside the repo; SQLite in memory; not 'backstage-cli package build' (its bundle.tar.gz needs tsc, every workspace plugin built and the skeleton's production npm install, the Dockerfile's steps)`,
        `served: ${url} (app and API from the one backend; index.html ${
          index.encoding
        }), ready ${ready.toFixed(
          0,
        )} s after start, startup work settled ${settle.toFixed(0)} s later`,
        `data: ${options.locations} locations x ${options.models} Models (Kubernetes emulators, no controller) and x ${options.customers} customers with one virtual key each (Bifrost emulators), an Odoo emulator each; emulators in the bench process`,
        `Chromium /usr/bin/chromium (playwright-core), 1440x900, signed in as guest`,
        `${load()} before measuring`,
        '',
      ].join('\n'),
    );

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const n = options.locations;
    // Sign in once; each cold run starts from this session in a fresh
    // context (no HTTP cache).
    const signIn = await newBenchContext({ browser, locations: n });
    const first = await signIn.newPage();
    await first.goto(`${url}/`);
    await first.getByRole('button', { name: /enter/i }).click();
    await first.evaluate(() => window.__bench.wait('homeFilled', 120_000));
    const storageState = await signIn.storageState();
    await signIn.close();

    // Cold loads: the first page load of a signed-in user, fresh cache.
    const cold = async (
      pathname: string,
      condition: 'modelsRow' | 'homeFilled',
      onFirst?: (page: Page) => Promise<() => Promise<void>>,
    ) => {
      const times: number[] = [];
      const timelines = [];
      for (let i = 0; i < options.runs; i++) {
        const context = await newBenchContext({
          browser: browser!,
          storageState,
          locations: n,
        });
        const page = await context.newPage();
        const after = i === 0 && onFirst ? await onFirst(page) : undefined;
        times.push(await timeGoto(page, `${url}${pathname}`, condition));
        timelines.push(await timeline(page));
        await after?.();
        await context.close();
      }
      return { times, timelines };
    };

    let scripts: Array<{
      url: string;
      transferred: number;
      contentEncoding: string;
    }> = [];
    const homeCold = await cold('/', 'homeFilled', async page => {
      const recorder = await recordScripts(page);
      return async () => {
        // Chunks the page loads right after it is filled count too.
        await page.waitForTimeout(1500);
        scripts = recorder.scripts();
        await recorder.stop();
      };
    });
    const modelsCold = await cold(
      '/inference/models',
      'modelsRow',
      async page => {
        const profile = await startProfile(page);
        return async () => profile?.stop('models-cold');
      },
    );

    // Warm: the same signed-in context, its HTTP cache filled.
    const context = await newBenchContext({
      browser,
      storageState,
      locations: n,
    });
    const page = await context.newPage();
    await timeGoto(page, `${url}/`, 'homeFilled');
    await timeGoto(page, `${url}/inference/models`, 'modelsRow');
    const homeWarm: number[] = [];
    const modelsWarm: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      homeWarm.push(await timeGoto(page, `${url}/`, 'homeFilled'));
      modelsWarm.push(
        await timeGoto(page, `${url}/inference/models`, 'modelsRow'),
      );
    }
    // In-app: the sidebar's links, from one page to the other.
    await timeGoto(page, `${url}/`, 'homeFilled');
    const modelsInApp: number[] = [];
    const homeInApp: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      modelsInApp.push(await timeClick(page, '/inference/models', 'modelsRow'));
      homeInApp.push(await timeClick(page, '/', 'homeFilled'));
    }
    const token = await guestToken(url);
    const profile = await startProfile(page);
    // What else ran meanwhile: the backend (its answers and any scheduled
    // work) and this process (the emulators) share the browser's cores.
    const keysStart = {
      wall: Date.now(),
      backend: cpuSecondsOf(backend.child.pid!),
      bench: process.cpuUsage(),
    };
    const keys = await keystrokes({ page, url, token });
    const keysWall = (Date.now() - keysStart.wall) / 1000;
    const keysBackendCpu = cpuSecondsOf(backend.child.pid!) - keysStart.backend;
    const benchCpu = process.cpuUsage(keysStart.bench);
    const keysBenchCpu = (benchCpu.user + benchCpu.system) / 1e6;
    await profile?.stop('keystrokes');
    await context.close();

    timing(
      'Models page, page.goto, fresh context (cold cache)',
      modelsCold.times,
      1500,
      build,
    );
    printTimeline('Models page cold', modelsCold.timelines);
    timing('Models page, page.goto, warm cache', modelsWarm, 1500, build);
    timing(
      'Models page, in-app (sidebar link from home)',
      modelsInApp,
      1500,
      build,
    );
    const k = sorted(keys.map(x => x.total));
    figure(
      'Models search: keydown to updated table',
      `p50 ${ms(percentile(k, 50))} / p95 ${ms(percentile(k, 95))} / max ${ms(
        k[k.length - 1],
      )} over ${k.length} keystrokes (target p95 <= 100 ms: ${verdict(
        percentile(k, 95),
        100,
      )}) [${build}]`,
    );
    const p50 = (xs: number[]) =>
      ms(percentile(sorted(xs.filter(x => !Number.isNaN(x))), 50));
    figure(
      '  Models search: where the time goes (p50)',
      `keydown to list request sent ${p50(
        keys.map(x => x.requestStart),
      )}, request ${p50(
        keys.map(x => x.requestEnd - x.requestStart),
      )}, response to table on screen ${p50(
        keys.map(x => x.total - x.requestEnd),
      )}`,
    );
    figure(
      '  Models search: CPU besides the browser',
      `backend ${keysBackendCpu.toFixed(
        1,
      )} s, bench process (emulators, driver) ${keysBenchCpu.toFixed(
        1,
      )} s, over the ${keysWall.toFixed(1)} s of typing on ${
        os.cpus().length
      } cores`,
    );
    // The tail: whether the backend or the browser made a keystroke slow.
    const slowest = keys
      .map((x, i) => ({ ...x, query: TYPED[i] }))
      .sort((a, b) => b.total - a.total)
      .slice(0, 3);
    figure(
      '  Models search: the slowest keystrokes',
      slowest
        .map(
          x =>
            `'${x.query}' ${ms(x.total)} (request ${ms(x.requestStart)}..${ms(
              x.requestEnd,
            )})`,
        )
        .join('; '),
    );
    timing(
      'Home page, page.goto, fresh context (cold cache)',
      homeCold.times,
      2000,
      build,
    );
    printTimeline('Home page cold', homeCold.timelines);
    timing('Home page, page.goto, warm cache', homeWarm, 2000, build);
    timing('Home page, in-app (sidebar link)', homeInApp, 2000, build);

    const own = scripts.filter(s => s.url.startsWith(url));
    const raw = await Promise.all(
      own.map(async s => ({
        ...s,
        gzip: await rawGet(s.url, 'gzip'),
        plain: await rawGet(s.url, 'identity'),
      })),
    );
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const encodings = [...new Set(own.map(s => s.contentEncoding))].join(', ');
    figure(
      'First page JS (/ cold), as Chromium received it',
      `${own.length} scripts, ${kib(
        sum(own.map(s => s.transferred)),
      )} transferred (CDP encodedDataLength, headers included), content-encoding: ${encodings} [${build}]`,
    );
    const gzipped = raw.filter(r => r.gzip.encoding === 'gzip').length;
    figure(
      'First page JS, bodies',
      `${kib(
        sum(raw.map(r => r.gzip.body.length)),
      )} as the backend sends them for Accept-Encoding: gzip (${gzipped} of ${
        raw.length
      } gzip-encoded), ${kib(
        sum(raw.map(r => r.plain.body.length)),
      )} uncompressed, ${kib(
        sum(raw.map(r => zlib.gzipSync(r.plain.body).length)),
      )} by zlib gzip -6 [${build}]`,
    );
    figure(
      '  largest scripts (gzipped body)',
      sorted(raw.map(r => r.gzip.body.length))
        .reverse()
        .slice(0, 5)
        .map(b => {
          const r = raw.find(x => x.gzip.body.length === b)!;
          return `${path.basename(new URL(r.url).pathname)} ${kib(b)}`;
        })
        .join(', '),
    );
    process.stdout.write(`${load()} at the end\n`);
  } finally {
    await browser?.close();
    await backend.stop();
    await locations.close();
    fs.rmSync(configDir, { recursive: true, force: true });
  }
}
