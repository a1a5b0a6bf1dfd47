/*
 * Model catalogue end to end: the guest fills the create-model
 * template in Chromium (location and resource-profile pickers, price
 * preview), the scaffolder creates the KubeAI Model in the sandbox's
 * Kubernetes emulator, and after a refresh the Model is a catalog entity
 * whose "Model" tab shows its prices and a curl against the gateway.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Page } from 'playwright-core';

export interface CreateModelFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
  frontend: string;
  backend: string;
  root: string;
  artifacts: string;
  kubernetesUrl: string;
  /** A Backstage token of the guest. */
  token: () => Promise<string>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function createModelFlow(ctx: CreateModelFlowContext) {
  const { page, frontend, backend } = ctx;
  const shot = (name: string) =>
    page.screenshot({
      path: path.join(ctx.artifacts, `create-model-${name}.png`),
      fullPage: true,
    });
  const name = `e2e-qwen-${Date.now().toString(36).slice(-5)}`;
  const sandbox = yaml.load(
    fs.readFileSync(
      path.join(ctx.root, '.data/sandbox/app-config.sandbox.yaml'),
      'utf8',
    ),
  ) as any;
  const kubeToken: string =
    sandbox.kubernetes.clusterLocatorMethods[0].clusters[0].serviceAccountToken;
  const modelUrl = `${ctx.kubernetesUrl}/apis/kubeai.org/v1/namespaces/kubeai/models/${name}`;
  const readModel = () =>
    fetch(modelUrl, { headers: { authorization: `Bearer ${kubeToken}` } });
  assert.equal((await readModel()).status, 404, 'the Model is new');

  try {
    await page.goto(`${frontend}/create/templates/default/create-model`);
    // Step 1: the location picker offers the configured location.
    await page
      .getByRole('button', { name: 'Local sandbox (local)' })
      .waitFor({ timeout: 120_000 });
    const nameField = page.getByRole('textbox', { name: /^Name/ });
    await nameField.fill(name);
    await shot('1-model');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2: the resource profile picker lists the location's profiles.
    await page
      .getByText('Modern NVIDIA GPUs (RTX 20xx+)')
      .first()
      .waitFor({ timeout: 60_000 });
    await shot('2-resources');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 3: prices, with the exact per-token preview.
    const prompt = page.getByLabel(/Prompt price per 1M tokens/);
    await prompt.fill('0.15');
    await page
      .getByText('$0.15 per 1M tokens = 0.00000015 USD per token', {
        exact: false,
      })
      .waitFor({ timeout: 30_000 });
    await page.getByText(/costs \$0\.00015 \+ \$0\.012 = \$0\.01215/).waitFor();
    await shot('3-prices');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    // The task runs inference:model:create and links the entity.
    await page
      .getByText('Open the model in the catalog')
      .first()
      .waitFor({ timeout: 180_000 });
    await shot('4-done');
  } catch (error) {
    await shot('failure');
    throw error;
  }

  const created = await readModel();
  assert.equal(created.status, 200, 'the Model exists in the emulator');
  const model = (await created.json()) as any;
  assert.equal(model.spec.engine, 'VLLM');
  assert.equal(model.spec.url, 'hf://Qwen/Qwen2.5-0.5B-Instruct');
  assert.equal(model.spec.resourceProfile, 'nvidia-unlimited:1');
  const listing = JSON.parse(model.metadata.annotations['openrouter.ai/json']);
  assert.deepEqual(
    [listing.pricing.prompt, listing.pricing.completion],
    ['0.00000015', '0.000024'],
  );

  // After a refresh the Model is in the catalog, with its tab.
  const token = await ctx.token();
  const refresh = await fetch(
    `${backend}/api/inference-models/refresh?location=local`,
    { method: 'POST', headers: { authorization: `Bearer ${token}` } },
  );
  assert.equal(refresh.status, 200, await refresh.clone().text());
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/resource/local/${name}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (res.status === 200) {
      const entity = (await res.json()) as any;
      assert.equal(entity.spec.type, 'ai-model');
      assert.equal(entity.spec.pricing.prompt, '0.00000015');
      break;
    }
    assert.ok(Date.now() < deadline, `${name} never reached the catalog`);
    await sleep(2000);
  }
  await page.goto(`${frontend}/catalog/local/resource/${name}/model`);
  await page
    .getByLabel('curl example')
    .waitFor({ timeout: 120_000 })
    .catch(async e => {
      await shot('failure-entity');
      throw e;
    });
  const curl = await page.getByLabel('curl example').textContent();
  assert.match(curl ?? '', new RegExp(`"model": "kubeai/${name}"`));
  await shot('5-entity');

  // Search across locations: the location filter keeps one location's
  // documents; the search page shows each result's location.
  const searchFor = async (filter: string) => {
    const res = await fetch(
      `${backend}/api/search/query?term=qwen25&filters%5BinferenceLocation%5D=${filter}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { results: Array<{ document: any }> })
      .results;
  };
  const local = await searchFor('local');
  assert.ok(local.length > 0, 'results in location local');
  assert.ok(local.every(r => r.document.inferenceLocation === 'local'));
  assert.deepEqual(await searchFor('nowhere'), []);
  await page.goto(`${frontend}/search?query=qwen25`);
  await page
    .getByText('location local')
    .first()
    .waitFor({ timeout: 120_000 })
    .catch(async e => {
      await shot('failure-search');
      throw e;
    });
  await shot('6-search');
}
