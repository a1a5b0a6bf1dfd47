/*
 * Model catalogue end to end: the guest fills the create-model
 * template in Chromium (location and resource-profile pickers, price
 * preview), the scaffolder creates the KubeAI Model in the sandbox's
 * Kubernetes emulator, and after a refresh the Model is a catalog entity
 * whose "Model" tab shows its prices and a curl against the gateway.
 */
import { expect, type Page } from '@playwright/test';
import {
  BACKEND,
  FRONTEND,
  emulatorUrls,
  guestToken,
  sandboxConfig,
  shot as shotOf,
} from './portal';

export interface CreateModelFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
}

export async function createModelFlow(ctx: CreateModelFlowContext) {
  const { page } = ctx;
  const frontend = FRONTEND;
  const backend = BACKEND;
  const shot = (name: string) => shotOf(page, `create-model-${name}`);
  const name = `e2e-qwen-${Date.now().toString(36).slice(-5)}`;
  const kubeToken: string =
    sandboxConfig().kubernetes.clusterLocatorMethods[0].clusters[0]
      .serviceAccountToken;
  const modelUrl = `${
    emulatorUrls().kubernetes
  }/apis/kubeai.org/v1/namespaces/kubeai/models/${name}`;
  const readModel = () =>
    fetch(modelUrl, { headers: { authorization: `Bearer ${kubeToken}` } });
  expect((await readModel()).status, 'the Model is new').toBe(404);

  try {
    await page.goto(`${frontend}/create/templates/default/create-model`);
    // Step 1: the location picker offers the configured location.
    await expect(
      page.getByRole('button', { name: 'Local sandbox (local)' }),
    ).toBeVisible({ timeout: 120_000 });
    const nameField = page.getByRole('textbox', { name: /^Name/ });
    await nameField.fill(name);
    await shot('1-model');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 2: the resource profile picker lists the location's profiles.
    await expect(
      page.getByText('Modern NVIDIA GPUs (RTX 20xx+)').first(),
    ).toBeVisible({ timeout: 60_000 });
    await shot('2-resources');
    await page.getByRole('button', { name: 'Next' }).click();

    // Step 3: prices, with the exact per-token preview.
    const prompt = page.getByLabel(/Prompt price per 1M tokens/);
    await prompt.fill('0.15');
    await expect(
      page.getByText('$0.15 per 1M tokens = 0.00000015 USD per token', {
        exact: false,
      }),
    ).toBeVisible({ timeout: 30_000 });
    await expect(
      page.getByText(/costs \$0\.00015 \+ \$0\.012 = \$0\.01215/),
    ).toBeVisible();
    await shot('3-prices');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    // The task runs inference:model:create and links the entity.
    await expect(
      page.getByText('Open the model in the catalog').first(),
    ).toBeVisible({ timeout: 180_000 });
    await shot('4-done');
  } catch (error) {
    await shot('failure');
    throw error;
  }

  const created = await readModel();
  expect(created.status, 'the Model exists in the emulator').toBe(200);
  const model = (await created.json()) as any;
  expect(model.spec.engine).toBe('VLLM');
  expect(model.spec.url).toBe('hf://Qwen/Qwen2.5-0.5B-Instruct');
  expect(model.spec.resourceProfile).toBe('nvidia-unlimited:1');
  const listing = JSON.parse(model.metadata.annotations['openrouter.ai/json']);
  expect([listing.pricing.prompt, listing.pricing.completion]).toEqual([
    '0.00000015',
    '0.000024',
  ]);

  // After a refresh the Model is in the catalog, with its tab.
  const token = await guestToken();
  const refresh = await fetch(
    `${backend}/api/inference-models/refresh?location=local`,
    { method: 'POST', headers: { authorization: `Bearer ${token}` } },
  );
  expect(refresh.status, await refresh.clone().text()).toBe(200);
  let entity: any;
  await expect
    .poll(
      async () => {
        const res = await fetch(
          `${backend}/api/catalog/entities/by-name/resource/local/${name}`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        if (res.status === 200) entity = await res.json();
        return res.status;
      },
      {
        message: `${name} reaches the catalog`,
        timeout: 120_000,
        intervals: [2000],
      },
    )
    .toBe(200);
  expect(entity.spec.type).toBe('ai-model');
  expect(entity.spec.pricing.prompt).toBe('0.00000015');
  await page.goto(`${frontend}/catalog/local/resource/${name}/model`);
  await expect(page.getByLabel('curl example'))
    .toBeVisible({ timeout: 120_000 })
    .catch(async e => {
      await shot('failure-entity');
      throw e;
    });
  const curl = await page.getByLabel('curl example').textContent();
  expect(curl ?? '').toMatch(new RegExp(`"model": "kubeai/${name}"`));
  await shot('5-entity');

  // Search across locations: the location filter keeps one location's
  // documents; the search page shows each result's location.
  const searchFor = async (filter: string) => {
    const res = await fetch(
      `${backend}/api/search/query?term=qwen25&filters%5BinferenceLocation%5D=${filter}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { results: Array<{ document: any }> })
      .results;
  };
  const local = await searchFor('local');
  expect(local.length, 'results in location local').toBeGreaterThan(0);
  expect(local.every(r => r.document.inferenceLocation === 'local')).toBe(true);
  expect(await searchFor('nowhere')).toEqual([]);
  await page.goto(`${frontend}/search?query=qwen25`);
  await expect(page.getByText('location local').first())
    .toBeVisible({ timeout: 120_000 })
    .catch(async e => {
      await shot('failure-search');
      throw e;
    });
  await shot('6-search');
}
