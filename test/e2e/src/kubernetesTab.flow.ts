/*
 * The Kubernetes tab of a sandbox Model in Chromium: the Backstage
 * Kubernetes plugin lists the Model's objects in the `local` location's
 * emulated cluster without an error panel, counts the Model's Pods and,
 * opened, shows the Model custom resource. (The tab names Pods only under a
 * Deployment, StatefulSet or DaemonSet, or when they have errors; KubeAI's
 * Pods belong to the Model directly, so the tab counts them.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Page } from 'playwright-core';

export interface KubernetesTabFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
  frontend: string;
  root: string;
  artifacts: string;
  /** The `local` location's Kubernetes API. */
  kubernetesUrl: string;
}

const PROBLEM = 'There was a problem retrieving Kubernetes objects';

export async function kubernetesTabFlow(ctx: KubernetesTabFlowContext) {
  const { page } = ctx;
  const shot = (name: string) =>
    page.screenshot({
      path: path.join(ctx.artifacts, `kubernetes-tab-${name}.png`),
      fullPage: true,
    });
  const sandbox = yaml.load(
    fs.readFileSync(
      path.join(ctx.root, '.data/sandbox/app-config.sandbox.yaml'),
      'utf8',
    ),
  ) as any;
  const kubeToken: string =
    sandbox.kubernetes.clusterLocatorMethods[0].clusters[0].serviceAccountToken;
  // A Model that has Pods, and how many, as the cluster holds them.
  const res = await fetch(
    `${ctx.kubernetesUrl}/api/v1/namespaces/kubeai/pods?labelSelector=model`,
    { headers: { authorization: `Bearer ${kubeToken}` } },
  );
  assert.equal(res.status, 200, await res.clone().text());
  const pods = ((await res.json()) as { items: any[] }).items;
  assert.ok(pods.length > 0, 'the sandbox runs model Pods');
  const model: string = pods[0].metadata.labels.model;
  const count = pods.filter(p => p.metadata.labels.model === model).length;

  await page.goto(`${ctx.frontend}/catalog/local/resource/${model}/kubernetes`);
  // The cluster's accordion: its summary reads "local", "Cluster", the count.
  const cluster = page.getByRole('button', { name: /^local\s*Cluster/ });
  try {
    await page
      .getByText(count === 1 ? '1 pod' : `${count} pods`, { exact: true })
      .waitFor({ timeout: 120_000 });
    await cluster.first().click();
    await page
      .locator('.MuiAccordionDetails-root')
      .getByText(model, { exact: true })
      .first()
      .waitFor({ timeout: 60_000 });
    // The accordion has finished opening (its screenshot shows it whole).
    await page
      .locator('.MuiCollapse-entered')
      .first()
      .waitFor({ timeout: 10_000 });
  } catch (e) {
    await shot('failure');
    throw e;
  }
  assert.equal(await page.getByText(PROBLEM).count(), 0, PROBLEM);
  await shot('model');
}
