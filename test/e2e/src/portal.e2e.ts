/*
 * End to end: starts the portal exactly as the README's first command does
 * (`./portal start`), checks the sandbox data through the backend API, signs
 * in as guest in headless Chromium and opens each inference page, then stops
 * the portal with SIGINT and checks that everything it started is gone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import yaml from 'js-yaml';
import { chromium, Browser, Page } from 'playwright-core';
import { createModelFlow } from './createModel.flow';
import { homeFlow } from './home.flow';
import { kubernetesTabFlow } from './kubernetesTab.flow';
import { onboardingFlow } from './onboarding.flow';
import { searchFlow } from './search.flow';

const root = path.resolve(__dirname, '../../..');
const artifacts = path.join(root, 'test/e2e/artifacts');
const FRONTEND = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const START_TIMEOUT_MS = 8 * 60_000;

let portal: ChildProcess;
let portalExit: Promise<number | null>;
let browser: Browser;
let page: Page;
let emulatorUrls: Record<string, any> = {};
const secrets: string[] = [];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitForHttp(url: string, deadline: number) {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (portal.exitCode !== null) {
      throw new Error(
        `./portal start exited early with ${portal.exitCode}; see ${artifacts}/portal.log`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${url} did not come up in time; see ${artifacts}/portal.log`,
      );
    }
    await sleep(2000);
  }
}

function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function guestToken(): Promise<string> {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

async function shot(name: string) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

describe('portal started with ./portal start', () => {
  before(
    async () => {
      for (const port of [3000, 7007]) {
        assert.equal(
          await portOpen(port),
          false,
          `port ${port} is already in use`,
        );
      }
      fs.mkdirSync(artifacts, { recursive: true });
      const logFile = fs.openSync(path.join(artifacts, 'portal.log'), 'w');
      portal = spawn(path.join(root, 'portal'), ['start'], {
        cwd: root,
        stdio: ['ignore', logFile, logFile],
        detached: true,
        env: { ...process.env, BROWSER: 'none' },
      });
      portalExit = new Promise(resolve =>
        portal.once('exit', code => resolve(code)),
      );
      const deadline = Date.now() + START_TIMEOUT_MS;
      await waitForHttp(`${BACKEND}/.backstage/health/v1/readiness`, deadline);
      await waitForHttp(FRONTEND, deadline);
      emulatorUrls = JSON.parse(
        fs.readFileSync(
          path.join(root, '.data/sandbox/emulators.json'),
          'utf8',
        ),
      );
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-background-networking',
          '--disable-gpu',
          '--disable-dev-shm-usage',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // The dev server compiles each page's chunk on first use: be patient on 2 cores.
      page.setDefaultTimeout(120_000);
    },
    { timeout: START_TIMEOUT_MS + 60_000 },
  );

  after(async () => {
    await browser?.close();
    // Whatever happened, leave nothing running: the ./portal process group
    // and the group of the backend and frontend it started.
    const groups = [portal?.pid];
    try {
      groups.push(
        JSON.parse(
          fs.readFileSync(
            path.join(root, '.data/sandbox/emulators.json'),
            'utf8',
          ),
        ).portalPgid,
      );
    } catch {
      // not written
    }
    for (const pgid of groups) {
      try {
        if (pgid) process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('serves the sandbox Models, customers and servers through the backend API', async () => {
    const token = await guestToken();
    const get = async (p: string) => {
      const res = await fetch(`${BACKEND}${p}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200, `${p}: ${await res.clone().text()}`);
      return res.json() as Promise<{
        items: Array<Record<string, any>>;
        errors: unknown[];
      }>;
    };
    const models = await get('/api/inference-models/models');
    assert.deepEqual(models.errors, []);
    const names = models.items.map(m => m.name);
    for (const expected of [
      'qwen25-05b-instruct',
      'qwen25-05b-instruct-ollama',
    ]) {
      assert.ok(
        names.includes(expected),
        `models include ${expected}: ${names}`,
      );
    }
    // Three locations, each with its own Models, customers and servers.
    const perLocation = (items: Array<Record<string, any>>) => {
      const counts: Record<string, number> = {};
      for (const item of items)
        counts[item.location] = (counts[item.location] ?? 0) + 1;
      return counts;
    };
    assert.deepEqual(perLocation(models.items), {
      local: 8,
      stalpeni: 4,
      pr: 3,
    });
    const ollama = models.items.find(
      m => m.name === 'qwen25-05b-instruct-ollama' && m.location === 'local',
    )!;
    assert.equal(ollama.engine, 'OLlama');
    // The same Model name in all three locations, at each one's price.
    const qwens = models.items.filter(m => m.name === 'qwen25-05b-instruct');
    assert.deepEqual(qwens.map(m => m.location).sort(), [
      'local',
      'pr',
      'stalpeni',
    ]);
    assert.equal(
      new Set(qwens.map(m => JSON.stringify(m.pricing))).size,
      3,
      `prices per location: ${qwens.map(m => JSON.stringify(m.pricing))}`,
    );

    const customers = await get('/api/inference-billing/customers');
    assert.deepEqual(customers.errors, []);
    assert.deepEqual(perLocation(customers.items), {
      local: 3,
      stalpeni: 3,
      pr: 2,
    });
    assert.ok(customers.items.every(c => c.virtualKeys >= 1));
    assert.deepEqual(
      customers.items
        .filter(c => c.name === 'Vandelay Industries')
        .map(c => c.location)
        .sort(),
      ['pr', 'stalpeni'],
    );

    const nodes = await get('/api/bare-metal/nodes');
    assert.deepEqual(nodes.errors, []);
    assert.deepEqual(perLocation(nodes.items), {
      local: 3,
      stalpeni: 4,
      pr: 2,
    });
    const gpuNode = nodes.items.find(
      n => n.name === 'node1' && n.location === 'local',
    )!;
    assert.deepEqual(
      gpuNode.gpus.map((g: any) => [g.vendor, g.count]),
      [['nvidia', 2]],
    );
    const gpusOf = (location: string) =>
      nodes.items
        .filter(n => n.location === location)
        .flatMap(n => n.gpus.map((g: any) => [g.product, g.count]));
    assert.equal(
      gpusOf('stalpeni').reduce((sum: number, [, count]) => sum + count, 0),
      8,
    );
    assert.deepEqual(gpusOf('pr'), [['NVIDIA-RTX-A2000', 1]]);

    // Last month can be invoiced in every location (dry run: nothing in Odoo):
    // every Model with usage in stalpeni and pr has a price; in local only
    // the Model deployed without its OpenRouter annotation blocks an invoice.
    const month = new Date();
    month.setUTCDate(1);
    month.setUTCMonth(month.getUTCMonth() - 1);
    // Invoices are issued in USD, the currency of the Models' prices, in
    // every location (InvoiceRunService's INVOICE_CURRENCY); the location's
    // billing currency is Odoo's company currency.
    for (const [location, currency, invoices] of [
      ['local', 'USD', 3],
      ['stalpeni', 'USD', 3],
      ['pr', 'USD', 2],
    ] as const) {
      const res = await fetch(
        `${BACKEND}/api/inference-billing/invoicing/generate?location=${location}&dry_run=all`,
        { method: 'POST', headers: { authorization: `Bearer ${token}` } },
      );
      const run = (await res.json()) as Record<string, any>;
      assert.equal(res.status, 200, `${location}: ${JSON.stringify(run)}`);
      assert.equal(
        run.state,
        'succeeded',
        `${location}: ${JSON.stringify(run)}`,
      );
      assert.equal(run.currency, currency);
      assert.equal(run.month, month.toISOString().slice(0, 7));
      assert.equal(run.invoices.length, invoices, location);
      for (const invoice of run.invoices) {
        if (location === 'local' && invoice.state === 'blocked') {
          assert.deepEqual(
            invoice.lines
              .filter((l: any) => l.unpriced)
              .map((l: any) => l.model),
            ['deepseek-r1-distill-qwen-15b'],
          );
        } else {
          assert.equal(
            invoice.state,
            'computed',
            `${location}: ${JSON.stringify(invoice)}`,
          );
          assert.ok(Number(invoice.total) > 0, `${location}: ${invoice.total}`);
        }
      }
    }

    // The entity providers put Models and servers in the catalog.
    const entity = async (ref: string) => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const res = await fetch(
          `${BACKEND}/api/catalog/entities/by-name/${ref}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        if (res.status === 200)
          return res.json() as Promise<Record<string, any>>;
        if (Date.now() > deadline)
          throw new Error(`${ref} not in the catalog: ${res.status}`);
        await sleep(2000);
      }
    };
    const qwen = await entity('resource/local/qwen25-05b-instruct');
    assert.equal(qwen.spec.type, 'ai-model');
    assert.equal(qwen.spec.engine, 'VLLM');
    const server = await entity('resource/local/node1');
    assert.equal(server.spec.type, 'bare-metal-server');
    assert.equal(server.spec.gpuCount, 2);

    // Search finds a model's deployment, a customer and a server, each with its location.
    const search = async (term: string, type: string) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await fetch(
          `${BACKEND}/api/search/query?term=${encodeURIComponent(
            term,
          )}&types[0]=${type}`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        const body = (await res.json()) as {
          results?: Array<{ document: Record<string, any> }>;
        };
        if (body.results?.length) return body.results.map(r => r.document);
        if (Date.now() > deadline)
          throw new Error(`search for ${term} (${type}) found nothing`);
        await sleep(3000);
      }
    };
    const found = await search('qwen25', 'inference-model');
    // A model name finds its deployment in each location.
    for (const location of ['local', 'stalpeni', 'pr']) {
      assert.ok(
        found.some(
          d =>
            d.inferenceLocation === location &&
            d.location === `/catalog/${location}/resource/qwen25-05b-instruct`,
        ),
        `qwen25-05b-instruct in ${location}: ${found.map(d => d.location)}`,
      );
    }
    assert.equal(
      (await search('Globex', 'inference-customer'))[0].inferenceLocation,
      'local',
    );
    assert.equal(
      (await search('node1', 'bare-metal-server'))[0].title,
      'node1',
    );

    for (const template of [
      'create-model',
      'scale-model',
      'retire-model',
      'install-helm-chart',
    ]) {
      const entityOfTemplate = await entity(`template/default/${template}`);
      assert.equal(entityOfTemplate.kind, 'Template');
    }

    const health = await fetch(`${BACKEND}/api/inference-models/health`);
    assert.equal(health.status, 200);
    const unauthenticated = await fetch(
      `${BACKEND}/api/inference-models/models`,
    );
    assert.equal(unauthenticated.status, 401);
  });

  it('signs in as guest and opens each inference page', async () => {
    await page.goto(FRONTEND);
    // A fresh browser has no session: the sign-in page offers the guest provider.
    const guestEnter = page.getByRole('button', { name: /enter/i });
    await guestEnter.waitFor({ timeout: 120_000 });
    await shot('sign-in');
    await guestEnter.click();
    const modelsLink = page.getByRole('link', { name: 'Models' }).first();
    await modelsLink.waitFor({ timeout: 120_000 }).catch(async e => {
      await shot('failure-home');
      throw e;
    });
    await shot('home');

    await modelsLink.click();
    await page.waitForURL('**/inference/models');
    await page
      .getByText('qwen25-05b-instruct-ollama')
      .first()
      .waitFor({ timeout: 120_000 });
    await page.getByText('llama-31-8b-instruct').first().waitFor();
    await shot('models');

    // A filtered view is a URL, and shows exactly the Models the backend
    // lists for the same filters.
    const filteredUrl = `${FRONTEND}/inference/models?location=local&engine=OLlama`;
    const expected = (await (
      await fetch(
        `${BACKEND}/api/inference-models/models?location=local&engine=OLlama`,
        { headers: { authorization: `Bearer ${await guestToken()}` } },
      )
    ).json()) as { items: Array<{ name: string; title?: string }> };
    assert.ok(
      expected.items.length > 0,
      'the sandbox has an Ollama Model in local',
    );
    await page.goto(filteredUrl);
    await page
      .getByText(
        `${expected.items.length} ${
          expected.items.length === 1 ? 'model' : 'models'
        } match`,
      )
      .waitFor({ timeout: 60_000 });
    // The first titled element of a row is the Model column's title.
    const rowNames = await page
      .locator('tbody tr')
      .evaluateAll(rows =>
        rows.map(r => r.querySelector('[title]')?.getAttribute('title') ?? ''),
      );
    const expectedTitles = expected.items.map(m => m.title ?? m.name);
    assert.deepEqual(rowNames.sort(), expectedTitles.sort());
    await shot('models-filtered');

    await page.getByRole('link', { name: 'Customers' }).first().click();
    await page.waitForURL('**/inference/customers');
    await page
      .getByText('Acme Robotics SRL')
      .first()
      .waitFor({ timeout: 120_000 });
    await shot('customers');

    await page.getByRole('link', { name: 'Servers' }).first().click();
    await page.waitForURL('**/inference/nodes');
    await page
      .getByText(/NVIDIA-GeForce-RTX-3090 x 2/)
      .first()
      .waitFor({ timeout: 120_000 });
    await page
      .getByText(/^local: NVIDIA-GeForce-RTX-3090 \d free of 2$/)
      .first()
      .waitFor();
    // One line per location, a product per GPU model.
    await page
      .getByText(
        /^stalpeni: NVIDIA-GeForce-RTX-3090 \d free of 4; NVIDIA-RTX-A6000 \d free of 4$/,
      )
      .first()
      .waitFor();
    await page
      .getByText(/^pr: NVIDIA-RTX-A2000 \d free of 1$/)
      .first()
      .waitFor();
    await shot('servers');

    await page.getByRole('link', { name: 'Invoices' }).first().click();
    await page.waitForURL('**/inference/invoices');
    await page
      .getByRole('button', { name: 'Preview (dry run)' })
      .waitFor({ timeout: 120_000 });
    await shot('invoices');

    await page.getByRole('link', { name: 'Approvals' }).first().click();
    await page.waitForURL('**/inference/approvals');
    await page
      .getByText(/^Pending or blocked \(\d+\)$/)
      .first()
      .waitFor({
        timeout: 120_000,
      });
    const file = await shot('approvals');
    console.log(`screenshots: ${path.dirname(file)}`);
  });

  it('onboards a customer: template by the guest, approval by another user, key revealed once', async () => {
    await onboardingFlow({
      browser,
      page,
      frontend: FRONTEND,
      backend: BACKEND,
      root,
      artifacts,
    });
  });

  it('creates a Model with the create-model template; it reaches the catalog', async () => {
    await createModelFlow({
      page,
      frontend: FRONTEND,
      backend: BACKEND,
      root,
      artifacts,
      kubernetesUrl: emulatorUrls.kubernetes,
      token: guestToken,
    });
  });

  it("shows a Model's Kubernetes tab: its Pods counted, its Model resource, no error", async () => {
    await kubernetesTabFlow({
      page,
      frontend: FRONTEND,
      root,
      artifacts,
      kubernetesUrl: emulatorUrls.kubernetes,
    });
  });

  it("shows the business at a glance at /: each location's card as the backends report it; pr's Bifrost failing turns only pr into an error", async () => {
    await homeFlow({
      page,
      frontend: FRONTEND,
      backend: BACKEND,
      artifacts,
      token: guestToken,
      bifrostUrls: Object.fromEntries(
        Object.entries(
          emulatorUrls.locations as Record<string, Record<string, string>>,
        ).map(([name, urls]) => [name, urls.bifrost]),
      ),
    });
  });

  it('searches a model of two locations: one result per location, the query marked, filtered by location', async () => {
    await searchFlow({ page, frontend: FRONTEND, artifacts });
  });

  it('collects the secrets the sandbox handed out (scanned for after stop)', async () => {
    // Collected now, checked once the portal has stopped (next test).
    const config = yaml.load(
      fs.readFileSync(
        path.join(root, '.data/sandbox/app-config.sandbox.yaml'),
        'utf8',
      ),
    ) as any;
    const locations = config.inference.locations as any[];
    assert.deepEqual(
      locations.map(l => l.name),
      ['local', 'stalpeni', 'pr'],
    );
    for (const cluster of config.kubernetes.clusterLocatorMethods[0].clusters) {
      secrets.push(cluster.serviceAccountToken);
    }
    for (const location of locations) {
      secrets.push(
        location.bifrost.adminPassword,
        location.odoo.apiKey,
        // The SSH private key's body (one base64 line of the PEM).
        String(location.ssh.privateKey)
          .split('\n')
          .reduce((a: string, b: string) => (b.length > a.length ? b : a), ''),
      );
    }
    for (const location of locations) {
      const keys = await fetch(
        `${location.bifrost.baseUrl}/api/governance/virtual-keys`,
        {
          headers: {
            authorization: `Basic ${Buffer.from(
              `admin:${location.bifrost.adminPassword}`,
            ).toString('base64')}`,
          },
        },
      );
      const { virtual_keys } = (await keys.json()) as {
        virtual_keys: Array<{ value: string }>;
      };
      secrets.push(...virtual_keys.map(k => k.value));
    }
    // 4 per location and at least the 12 seeded virtual keys.
    assert.ok(
      secrets.length >= 24 &&
        secrets.every(s => typeof s === 'string' && s.length >= 16),
      `secrets: ${secrets.length}`,
    );
  });

  it('Ctrl-C (SIGINT) stops the frontend, the backend and the emulators; no secret in the log or the databases', async () => {
    process.kill(-portal.pid!, 'SIGINT');
    const code = await Promise.race([
      portalExit,
      sleep(60_000).then(() => 'timeout' as const),
    ]);
    assert.notEqual(code, 'timeout', './portal start did not stop within 60 s');
    for (const port of [3000, 7007]) {
      assert.equal(
        await portOpen(port),
        false,
        `port ${port} still open after stop`,
      );
    }
    const emulators = Object.entries(
      emulatorUrls.locations as Record<string, Record<string, string>>,
    ).flatMap(([location, urls]) =>
      Object.entries(urls).map(([system, url]) => [
        `${location} ${system}`,
        url,
      ]),
    );
    // Three locations, each with a Kubernetes API, a Bifrost and an Odoo.
    assert.ok(emulators.length >= 9, `emulators: ${emulators.length}`);
    for (const [name, url] of emulators) {
      const port = Number(new URL(url).port);
      assert.equal(
        await portOpen(port),
        false,
        `${name} emulator still listening`,
      );
    }

    // No secret in the backend's log or in any database (task logs, task
    // state and checkpoints live in the scaffolder's).
    const files = [path.join(artifacts, 'portal.log')];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else files.push(file);
      }
    };
    walk(path.join(root, '.data/sqlite'));
    assert.ok(files.length > 5, `databases found: ${files.length - 1}`);
    const found: string[] = [];
    for (const file of files) {
      const content = fs.readFileSync(file);
      for (const [i, secret] of secrets.entries()) {
        if (content.includes(secret)) {
          found.push(`${path.relative(root, file)}: secret #${i}`);
        }
      }
    }
    assert.deepEqual(found, []);
    console.log(
      `secrets scanned: ${
        secrets.length
      } (per location: Kubernetes token, Bifrost password, Odoo API key, SSH key; ${
        secrets.length - 12
      } virtual keys) in ${
        files.length
      } files (the portal log and every SQLite database): none found`,
    );
  });
});
