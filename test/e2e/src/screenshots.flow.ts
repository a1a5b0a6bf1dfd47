/*
 * A screenshot at 1440x900 of every page the sidebar links to, each taken
 * once the page shows its content, and of the entity pages of a server and
 * of a location (the Model's Kubernetes tab is the Kubernetes tab test's).
 * The sidebar is read from the page, so that a page added to it is not
 * left out; the pages other tests already wait on and screenshot are named
 * here only to be skipped.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { BACKEND, FRONTEND, guestToken, shot } from './portal';

export interface ScreenshotsFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
}

/** Sidebar pages that other tests screenshot, by their screenshot's name. */
const SHOT_BY_OTHER_TESTS: Record<string, string> = {
  '/': 'home',
  '/inference/models': 'models',
  '/inference/customers': 'customers',
  '/inference/nodes': 'servers',
  '/inference/invoices': 'invoices',
  '/inference/approvals': 'approvals',
  '/search': 'search',
};

/** What shows that each other sidebar page has its content. */
const CONTENT: Record<string, (page: Page) => Locator> = {
  '/catalog': page => page.getByText(/^All Resources \(\d+\)$/),
  '/create': page => page.getByText('Deploy a model').first(),
  '/api-docs': page => page.getByText('Local sandbox inference gateway'),
  '/catalog-import': page =>
    page.getByText('Register an existing component').first(),
  '/notifications': page =>
    page.getByText(/^Unread notifications \(\d+\)$/).first(),
  '/visualizer': page => page.getByText('api:app/discovery').first(),
  '/settings': page => page.getByText('user:default/guest').first(),
};

/** A file name for a page's path: `/catalog-import` is `catalog-import`. */
const nameOf = (pathname: string) =>
  pathname.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-');

async function shotWhenShown(page: Page, name: string, content: Locator) {
  await expect(content, `${name} shows its content`).toBeVisible();
  // Nothing still loading.
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await shot(page, name);
}

export async function screenshotsFlow(ctx: ScreenshotsFlowContext) {
  const { page } = ctx;
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(sidebar.getByRole('link').first()).toBeVisible();
  const hrefs = await sidebar
    .locator('a[href^="/"]')
    .evaluateAll(links => links.map(a => a.getAttribute('href') ?? ''));
  const pathnames = [...new Set(hrefs.map(h => new URL(h, FRONTEND).pathname))];
  // The inference pages, at least, are in the sidebar.
  expect(pathnames).toEqual(
    expect.arrayContaining(Object.keys(SHOT_BY_OTHER_TESTS).slice(0, 6)),
  );
  const pages = pathnames.filter(p => !(p in SHOT_BY_OTHER_TESTS));
  // Every page has a known content to wait for (a new page needs one here);
  // pages with nothing to show in the sandbox are not in the sidebar.
  expect(pages.filter(p => !(p in CONTENT))).toEqual([]);
  expect(pathnames).not.toContain('/docs');
  expect(pathnames).not.toContain('/catalog-graph');
  for (const pathname of pages) {
    await page.goto(`${FRONTEND}${pathname}`);
    await shotWhenShown(page, nameOf(pathname), CONTENT[pathname](page));
  }

  // A server's page: its GPUs.
  await page.goto(`${FRONTEND}/catalog/local/resource/node1/server`);
  await shotWhenShown(
    page,
    'entity-server',
    page.getByText(/^Model pods \(\d+\)$/).first(),
  );

  // A location's page: the entity of type kubernetes-cluster.
  const res = await fetch(
    `${BACKEND}/api/catalog/entities/by-query?filter=spec.type=kubernetes-cluster`,
    { headers: { authorization: `Bearer ${await guestToken()}` } },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const { items } = (await res.json()) as {
    items: Array<{ metadata: { name: string; namespace?: string } }>;
  };
  const locations = items.map(
    e => `${e.metadata.namespace ?? 'default'}/${e.metadata.name}`,
  );
  expect(locations.sort()).toEqual([
    'local/local',
    'pr/pr',
    'stalpeni/stalpeni',
  ]);
  const entityPage = `${FRONTEND}/catalog/local/resource/local`;
  await page.goto(entityPage);
  await shotWhenShown(
    page,
    'entity-location',
    page.getByText(/K3s cluster of location/).first(),
  );
  // Its tabs are the ones with something behind them: no TechDocs tab for
  // an entity without documentation (backstage.io/techdocs-ref).
  const tabs = page.getByRole('navigation', { name: 'Content navigation' });
  await expect(tabs.getByRole('link', { name: 'Location' })).toBeVisible();
  await expect(tabs.getByRole('link')).toHaveText(['Overview', 'Location']);
  await page.goto(`${entityPage}/location`);
  await shotWhenShown(
    page,
    'entity-location-tab',
    page.getByText(/^Models \(\d+\)$/).first(),
  );
}
