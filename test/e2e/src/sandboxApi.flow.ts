/*
 * The sandbox through the backend API, as the guest: three locations with
 * their own Models, customers and servers, last month invoiceable everywhere
 * (dry run), the entity providers' and templates' catalog entities, search
 * across locations, and the API refusing a caller without a token.
 */
import { expect } from '@playwright/test';
import { BACKEND, guestToken } from './portal';

type Item = Record<string, any>;

/** How many items each location has. */
const perLocation = (items: Item[]) => {
  const counts: Record<string, number> = {};
  for (const item of items)
    counts[item.location] = (counts[item.location] ?? 0) + 1;
  return counts;
};

export async function sandboxApiFlow() {
  const token = await guestToken();
  const headers = { authorization: `Bearer ${token}` };
  const get = async (p: string) => {
    const res = await fetch(`${BACKEND}${p}`, { headers });
    expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
    return res.json() as Promise<{ items: Item[]; errors: unknown[] }>;
  };
  const models = await get('/api/inference-models/models');
  expect(models.errors).toEqual([]);
  const names = models.items.map(m => m.name);
  for (const expected of [
    'qwen25-05b-instruct',
    'qwen25-05b-instruct-ollama',
  ]) {
    expect(names, `models include ${expected}`).toContain(expected);
  }
  // Three locations, each with its own Models, customers and servers.
  expect(perLocation(models.items)).toEqual({ local: 8, stalpeni: 4, pr: 3 });
  const ollama = models.items.find(
    m => m.name === 'qwen25-05b-instruct-ollama' && m.location === 'local',
  )!;
  expect(ollama.engine).toBe('OLlama');
  // The same Model name in all three locations, at each one's price.
  const qwens = models.items.filter(m => m.name === 'qwen25-05b-instruct');
  expect(qwens.map(m => m.location).sort()).toEqual([
    'local',
    'pr',
    'stalpeni',
  ]);
  const prices = qwens.map(m => JSON.stringify(m.pricing));
  expect(new Set(prices).size, `prices per location: ${prices}`).toBe(3);

  const customers = await get('/api/inference-billing/customers');
  expect(customers.errors).toEqual([]);
  expect(perLocation(customers.items)).toEqual({
    local: 3,
    stalpeni: 3,
    pr: 2,
  });
  expect(customers.items.every(c => c.virtualKeys >= 1)).toBe(true);
  expect(
    customers.items
      .filter(c => c.name === 'Vandelay Industries')
      .map(c => c.location)
      .sort(),
  ).toEqual(['pr', 'stalpeni']);

  const nodes = await get('/api/bare-metal/nodes');
  expect(nodes.errors).toEqual([]);
  expect(perLocation(nodes.items)).toEqual({ local: 3, stalpeni: 4, pr: 2 });
  const gpuNode = nodes.items.find(
    n => n.name === 'node1' && n.location === 'local',
  )!;
  expect(gpuNode.gpus.map((g: any) => [g.vendor, g.count])).toEqual([
    ['nvidia', 8],
  ]);
  const gpusOf = (location: string) =>
    nodes.items
      .filter(n => n.location === location)
      .flatMap(n => n.gpus.map((g: any) => [g.product, g.count]));
  expect(
    gpusOf('stalpeni').reduce((sum: number, [, count]) => sum + count, 0),
  ).toBe(8);
  expect(gpusOf('pr')).toEqual([['NVIDIA-RTX-A2000', 1]]);

  await invoicingDryRuns(headers);
  await catalogAndSearch(headers);

  const health = await fetch(`${BACKEND}/api/inference-models/health`);
  expect(health.status).toBe(200);
  const unauthenticated = await fetch(`${BACKEND}/api/inference-models/models`);
  expect(unauthenticated.status).toBe(401);
}

/**
 * Last month can be invoiced in every location (dry run: nothing in Odoo):
 * every Model with usage in stalpeni and pr has a price; in local only the
 * Model deployed without its OpenRouter annotation blocks an invoice.
 */
async function invoicingDryRuns(headers: Record<string, string>) {
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
      { method: 'POST', headers },
    );
    const run = (await res.json()) as Item;
    expect(res.status, `${location}: ${JSON.stringify(run)}`).toBe(200);
    expect(run.state, `${location}: ${JSON.stringify(run)}`).toBe('succeeded');
    expect(run.currency).toBe(currency);
    expect(run.month).toBe(month.toISOString().slice(0, 7));
    expect(run.invoices.length, location).toBe(invoices);
    for (const invoice of run.invoices) {
      if (location === 'local' && invoice.state === 'blocked') {
        expect(
          invoice.lines.filter((l: any) => l.unpriced).map((l: any) => l.model),
        ).toEqual(['deepseek-r1-distill-qwen-15b']);
      } else {
        expect(invoice.state, `${location}: ${JSON.stringify(invoice)}`).toBe(
          'computed',
        );
        expect(
          Number(invoice.total),
          `${location}: ${invoice.total}`,
        ).toBeGreaterThan(0);
      }
    }
  }
}

/**
 * The entity providers put Models and servers in the catalog; search finds
 * a model's deployment, a customer and a server, each with its location.
 * Both fill a little after the backend is ready: wait for them.
 */
async function catalogAndSearch(headers: Record<string, string>) {
  const entity = async (ref: string) => {
    let body: Item = {};
    await expect
      .poll(
        async () => {
          const res = await fetch(
            `${BACKEND}/api/catalog/entities/by-name/${ref}`,
            { headers },
          );
          if (res.status === 200) body = (await res.json()) as Item;
          return res.status;
        },
        {
          message: `${ref} in the catalog`,
          timeout: 90_000,
          intervals: [2000],
        },
      )
      .toBe(200);
    return body;
  };
  const qwen = await entity('resource/local/qwen25-05b-instruct');
  expect(qwen.spec.type).toBe('ai-model');
  expect(qwen.spec.engine).toBe('VLLM');
  const server = await entity('resource/local/node1');
  expect(server.spec.type).toBe('bare-metal-server');
  expect(server.spec.gpuCount).toBe(8);

  const search = async (term: string, type: string) => {
    let documents: Item[] = [];
    await expect
      .poll(
        async () => {
          const res = await fetch(
            `${BACKEND}/api/search/query?term=${encodeURIComponent(
              term,
            )}&types[0]=${type}`,
            { headers },
          );
          const body = (await res.json()) as {
            results?: Array<{ document: Item }>;
          };
          documents = body.results?.map(r => r.document) ?? [];
          return documents.length;
        },
        {
          message: `search for ${term} (${type}) finds something`,
          timeout: 120_000,
          intervals: [3000],
        },
      )
      .toBeGreaterThan(0);
    return documents;
  };
  const found = await search('qwen25', 'inference-model');
  // A model name finds its deployment in each location.
  for (const location of ['local', 'stalpeni', 'pr']) {
    expect(
      found.some(
        d =>
          d.inferenceLocation === location &&
          d.location === `/catalog/${location}/resource/qwen25-05b-instruct`,
      ),
      `qwen25-05b-instruct in ${location}: ${found.map(d => d.location)}`,
    ).toBe(true);
  }
  expect(
    (await search('Globex', 'inference-customer'))[0].inferenceLocation,
  ).toBe('local');
  expect((await search('node1', 'bare-metal-server'))[0].title).toBe('node1');

  for (const template of [
    'create-model',
    'scale-model',
    'retire-model',
    'install-helm-chart',
  ]) {
    const entityOfTemplate = await entity(`template/default/${template}`);
    expect(entityOfTemplate.kind).toBe('Template');
  }
}
