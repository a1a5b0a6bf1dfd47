/*
 * The Kubernetes tab of a sandbox Model in Chromium: the Backstage
 * Kubernetes plugin lists the Model's objects in the `local` location's
 * emulated cluster without an error panel, counts the Model's Pods and,
 * opened, shows the Model custom resource. (The tab names Pods only under a
 * Deployment, StatefulSet or DaemonSet, or when they have errors; KubeAI's
 * Pods belong to the Model directly, so the tab counts them.) The Model tab
 * lists them, with the servers they run on.
 */
import { expect, type Page } from '@playwright/test';
import { FRONTEND, emulatorUrls, sandboxConfig, shot } from './portal';

export interface KubernetesTabFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
}

const PROBLEM = 'There was a problem retrieving Kubernetes objects';

export async function kubernetesTabFlow(ctx: KubernetesTabFlowContext) {
  const { page } = ctx;
  const kubeToken: string =
    sandboxConfig().kubernetes.clusterLocatorMethods[0].clusters[0]
      .serviceAccountToken;
  // A Model that has Pods, and how many, as the cluster holds them.
  const res = await fetch(
    `${
      emulatorUrls().kubernetes
    }/api/v1/namespaces/kubeai/pods?labelSelector=model`,
    { headers: { authorization: `Bearer ${kubeToken}` } },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const pods = ((await res.json()) as { items: any[] }).items;
  expect(pods.length, 'the sandbox runs model Pods').toBeGreaterThan(0);
  const model: string = pods[0].metadata.labels.model;
  const count = pods.filter(p => p.metadata.labels.model === model).length;

  await page.goto(`${FRONTEND}/catalog/local/resource/${model}/kubernetes`);
  // The cluster's accordion: its summary reads "local", "Cluster", the count.
  const cluster = page.getByRole('button', { name: /^local\s*Cluster/ });
  try {
    await expect(
      page.getByText(count === 1 ? '1 pod' : `${count} pods`, { exact: true }),
    ).toBeVisible({ timeout: 120_000 });
    await cluster.first().click();
    await expect(
      page
        .locator('.MuiAccordionDetails-root')
        .getByText(model, { exact: true })
        .first(),
    ).toBeVisible({ timeout: 60_000 });
    // The accordion has finished opening (its screenshot shows it whole).
    await expect(page.locator('.MuiCollapse-entered').first()).toBeVisible({
      timeout: 10_000,
    });
  } catch (e) {
    await shot(page, 'kubernetes-tab-failure');
    throw e;
  }
  expect(await page.getByText(PROBLEM).count(), PROBLEM).toBe(0);
  await shot(page, 'kubernetes-tab-model');

  // The Model tab lists those Pods by name, each with the server it runs
  // on linked to that server's page.
  await page.goto(`${FRONTEND}/catalog/local/resource/${model}/model`);
  await expect(page.getByText(`Pods (${count})`)).toBeVisible({
    timeout: 60_000,
  });
  for (const pod of pods.filter(p => p.metadata.labels.model === model)) {
    const row = page.locator('tr', { hasText: pod.metadata.name });
    await expect(row).toBeVisible();
    await expect(
      row.getByRole('link', { name: pod.spec.nodeName, exact: true }),
    ).toHaveAttribute('href', `/catalog/local/resource/${pod.spec.nodeName}`);
  }
  await shot(page, 'model-tab-pods');
}
