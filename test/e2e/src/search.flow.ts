/*
 * Search in Chromium: a model deployed under the same name in two sandbox
 * locations (nomic-embed-text, in `local` and `pr`) is found once per
 * location, among the Models result type, each result naming its location,
 * and the highlight marks exactly the query; the location filter narrows the
 * results to one location. The search index fills a few seconds after the
 * backend starts (each collator's first run), so the page is reloaded until
 * the results are there.
 */
import { expect, type Page } from '@playwright/test';
import { FRONTEND, shot } from './portal';

export interface SearchFlowContext {
  /** The guest's page, signed in already. */
  page: Page;
}

/** A model name of two sandbox locations, and where it runs. */
const QUERY = 'nomic';
const MODEL = 'nomic-embed-text';
const LOCATIONS = ['local', 'pr'];

export async function searchFlow(ctx: SearchFlowContext) {
  const { page } = ctx;
  // A search result item: the list item holding a result's title link.
  const results = page.locator('li:has(a[href^="/catalog/"])', {
    has: page.locator('h6, [class*="MuiTypography-h6"]'),
  });
  const modelLinks = page.locator(`a[href$="/resource/${MODEL}"]`);
  const resultType = (name: string) =>
    page
      .getByRole('navigation', { name: 'filter by type' })
      .getByRole('button', { name: new RegExp(`^${name}( \\d+ results?)?$`) });

  try {
    await expect(async () => {
      await page.goto(`${FRONTEND}/search?query=${encodeURIComponent(QUERY)}`);
      // The result types are those with something to find: no
      // "Documentation" while no docs are published. A type's button is
      // named by the type, then its count once the counts have come.
      await expect(resultType('Software Catalog')).toBeVisible({
        timeout: 20_000,
      });
      await expect(resultType('Documentation')).toHaveCount(0);
      // The result type filter (not the sidebar's link): only Models.
      await resultType('Models').click();
      await page.waitForURL(/types/);
      await expect(
        modelLinks.nth(LOCATIONS.length - 1),
        `a search for ${QUERY} lists ${MODEL}`,
      ).toBeVisible({ timeout: 20_000 });
    }).toPass({ timeout: 180_000 });
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
    expect(items.map(i => i.href).sort(), JSON.stringify(items)).toEqual(
      LOCATIONS.map(l => `/catalog/${l}/resource/${MODEL}`).sort(),
    );
    for (const location of LOCATIONS) {
      const item = items.find(i => i.href.startsWith(`/catalog/${location}/`))!;
      expect(item.text).toMatch(new RegExp(`location ${location}`));
      // The highlight marks the query, in the title and the text.
      expect(item.marks.length, JSON.stringify(item)).toBeGreaterThanOrEqual(2);
      for (const mark of item.marks) {
        expect(mark.toLowerCase(), JSON.stringify(item)).toBe(QUERY);
      }
    }
    await shot(page, 'search');

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
    // The list empties while the filtered query runs, then fills.
    await expect
      .poll(hrefs, { timeout: 60_000, intervals: [500] })
      .toEqual(expected);
    await page.waitForLoadState('networkidle');
    expect(await hrefs()).toEqual(expected);
    await shot(page, 'search-location');
  } catch (e) {
    await shot(page, 'search-failure');
    throw e;
  }
}
