/*
 * Search in Chromium: a model deployed under the same name in two sandbox
 * locations (nomic-embed-text, in `local` and `pr`) is found once per
 * location, among the Models result type, each result naming its location,
 * and the highlight marks exactly the query; the location filter narrows the
 * results to one location. The search index fills a few seconds after the
 * backend starts (each collator's first run), so the page is reloaded until
 * the results are there.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface SearchFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
  frontend: string;
  artifacts: string;
}

/** A model name of two sandbox locations, and where it runs. */
const QUERY = 'nomic';
const MODEL = 'nomic-embed-text';
const LOCATIONS = ['local', 'pr'];

export async function searchFlow(ctx: SearchFlowContext) {
  const { page } = ctx;
  const shot = (name: string) =>
    page.screenshot({
      path: path.join(ctx.artifacts, `${name}.png`),
      fullPage: true,
    });
  // A search result item: the list item holding a result's title link.
  const results = page.locator('li:has(a[href^="/catalog/"])', {
    has: page.locator('h6, [class*="MuiTypography-h6"]'),
  });
  const modelLinks = page.locator(`a[href$="/resource/${MODEL}"]`);

  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      await page.goto(
        `${ctx.frontend}/search?query=${encodeURIComponent(QUERY)}`,
      );
      // The result type filter (not the sidebar's link): only Models.
      await page.getByRole('button', { name: 'Models', exact: true }).click();
      await page.waitForURL(/types/);
      const found = await modelLinks
        .nth(LOCATIONS.length - 1)
        .waitFor({ timeout: 20_000 })
        .then(() => true)
        .catch(() => false);
      if (found) break;
      if (Date.now() > deadline) {
        throw new Error(`a search for ${QUERY} did not list ${MODEL}`);
      }
    }
    // Settled: no result still arriving.
    await page.waitForLoadState('networkidle');

    const items = await results.evaluateAll(lis =>
      lis.map(li => ({
        href: li.querySelector('a')?.getAttribute('href') ?? '',
        text: li.textContent ?? '',
        marks: Array.from(li.querySelectorAll('mark')).map(
          m => m.textContent ?? '',
        ),
      })),
    );
    // Two results, one per location; nothing else matches the name.
    assert.deepEqual(
      items.map(i => i.href).sort(),
      LOCATIONS.map(l => `/catalog/${l}/resource/${MODEL}`).sort(),
      JSON.stringify(items),
    );
    for (const location of LOCATIONS) {
      const item = items.find(i => i.href.startsWith(`/catalog/${location}/`))!;
      assert.match(item.text, new RegExp(`location ${location}`));
      // The highlight marks the query, in the title and the text.
      assert.ok(item.marks.length >= 2, JSON.stringify(item));
      for (const mark of item.marks) {
        assert.equal(mark.toLowerCase(), QUERY, JSON.stringify(item));
      }
    }
    await shot('search');

    // The location filter: only the deployment in `pr`, and nothing else
    // of `pr` (the filter narrows the query's results).
    await page
      .getByLabel('Location')
      .or(page.getByText('Location').locator('..').getByRole('button'))
      .first()
      .click();
    await page.getByRole('option', { name: 'pr', exact: true }).click();
    await page.waitForURL(/inferenceLocation/);
    const hrefs = () =>
      results.evaluateAll(lis =>
        lis.map(li => li.querySelector('a')?.getAttribute('href')),
      );
    const expected = [`/catalog/pr/resource/${MODEL}`];
    const until = Date.now() + 60_000;
    // The list empties while the filtered query runs, then fills.
    while (
      JSON.stringify(await hrefs()) !== JSON.stringify(expected) &&
      Date.now() < until
    ) {
      await page.waitForTimeout(500);
    }
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await hrefs(), expected);
    await shot('search-location');
  } catch (e) {
    await shot('search-failure');
    throw e;
  }
}
