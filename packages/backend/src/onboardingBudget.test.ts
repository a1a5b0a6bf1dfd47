/*
 * What the portal sells, Bifrost enforces: a customer onboarded through the
 * onboard-customer template gets a virtual key that answers a chat
 * completion through the location's Bifrost, priced from the portal's
 * pricing sheet (Bifrost's `pricing_url`), and that is refused once the
 * customer's budget is spent.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import yaml from 'js-yaml';
import request from 'supertest';
import { startOnboardingBackend } from './__testUtils__/onboardingBackend';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
// eslint-disable-next-line no-restricted-syntax -- the repo's template
const root = path.resolve(__dirname, '../../..');

describe('a key created by onboarding, through Bifrost', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startOnboardingBackend>>;
  let url: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    const template = yaml.load(
      fs.readFileSync(
        path.join(root, 'templates/onboard-customer/template.yaml'),
        'utf8',
      ),
    ) as any;
    template.metadata.namespace = 'default';
    backend = await startOnboardingBackend(
      {
        ...sandbox.config,
        backend: {
          baseUrl: 'http://localhost:7007',
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        inference: {
          ...(sandbox.config.inference as object),
          billing: {
            onboarding: {
              approvalPollSeconds: 1,
              revealSecret: 'budget-test-reveal-secret-0123456789',
            },
          },
        },
      },
      template,
    );
    url = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await backend?.stop();
    await sandbox?.close();
  });

  async function chat(key: string) {
    const res = await fetch(`${sandbox.bifrost.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bf-vk': key },
      body: JSON.stringify({
        model: 'kubeai/qwen25-05b-instruct',
        // About 10,000 prompt tokens: 8 cents at the sandbox's price.
        messages: [{ role: 'user', content: 'x'.repeat(40_000) }],
      }),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('answers a chat completion and stops answering once the budget is spent', async () => {
    // Bifrost's model catalog takes the Models' prices from the portal.
    const entries = await sandbox.bifrost.syncPricing(
      `${url}/api/inference-billing/bifrost/pricingSheet?location=local`,
    );
    expect(entries).toBeGreaterThan(0);

    const guest = mockCredentials.user.header('user:default/guest');
    const approver = mockCredentials.user.header('user:default/approver');
    const company = 'Budget Enforced SRL';
    const created = await request(url)
      .post('/api/scaffolder/v2/tasks')
      .set('authorization', guest)
      .send({
        templateRef: 'template:default/onboard-customer',
        values: {
          companyName: company,
          contactEmail: 'billing@budget.example',
          vatId: 'RO12345678',
          country: 'RO',
          locations: ['local'],
          budgetUsd: 1,
          requestsPerMinute: 10_000,
          tokensPerMinute: 100_000_000,
          allowedModels: ['resource:local/qwen25-05b-instruct'],
          currency: 'EUR',
        },
      });
    expect([created.status, created.body.error?.message]).toEqual([
      201,
      undefined,
    ]);
    let stored: any;
    for (let i = 0; i < 60 && !stored; i++) {
      const res = await request(url)
        .get('/api/inference-billing/onboarding/requests')
        .set('authorization', guest);
      stored = (res.body.items ?? []).find(
        (r: any) => r.companyName === company,
      );
      if (!stored) await sleep(500);
    }
    const decision = await request(url)
      .post(`/api/inference-billing/onboarding/requests/${stored.id}/decision`)
      .set('authorization', approver)
      .send({ decision: 'approve' });
    expect(decision.status).toBe(200);
    let status = '';
    for (let i = 0; i < 90 && !['completed', 'failed'].includes(status); i++) {
      status = (
        await request(url)
          .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
          .set('authorization', guest)
      ).body.status;
      if (!['completed', 'failed'].includes(status)) await sleep(500);
    }
    expect(status).toBe('completed');

    const customer = sandbox.bifrost.customers().find(c => c.name === company)!;
    const [key] = sandbox.bifrost
      .virtualKeys()
      .filter(k => k.customer_id === customer.id);

    const first = await chat(key.value);
    expect([first.status, first.body.error?.message]).toEqual([200, undefined]);
    expect(first.body.choices[0].message.content).toEqual(expect.any(String));

    const statuses = [first.status];
    for (let i = 0; i < 30 && statuses[statuses.length - 1] === 200; i++) {
      statuses.push((await chat(key.value)).status);
    }
    // $1 at about 8 cents a request: a dozen answers, then refusals.
    expect(statuses.filter(s => s === 200).length).toBeGreaterThan(5);
    const refused = await chat(key.value);
    expect([refused.status, refused.body.type]).toEqual([
      402,
      'budget_exceeded',
    ]);
    const spent = sandbox.bifrost
      .logs()
      .filter(l => l.virtual_key_id === key.id)
      .reduce((sum, l) => sum + (l.cost ?? 0), 0);
    expect(spent).toBeGreaterThanOrEqual(1);
  });
});
