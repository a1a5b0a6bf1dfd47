/*
 * The guest signs in (a fresh browser context lands on the sign-in page)
 * and opens each inference page from the sidebar: every page shows the
 * sandbox's content, and a filtered Models view, being a URL, lists exactly
 * what the backend lists for the same filters.
 */
import { expect, type Page } from '@playwright/test';
import { BACKEND, FRONTEND, guestToken, shot, signInAsGuest } from './portal';

/**
 * What the page's tables cut with an ellipsis at 1440 px: the text of every
 * header or cell element whose text overflows its box.
 */
async function cutText(page: Page): Promise<string[]> {
  return page.locator('table').evaluateAll(tables =>
    tables.flatMap(table =>
      [...table.querySelectorAll('th, td, th *, td *')]
        .filter(el => {
          const style = getComputedStyle(el);
          return (
            style.textOverflow === 'ellipsis' &&
            el.scrollWidth > el.clientWidth + 1
          );
        })
        .map(el => el.textContent ?? ''),
    ),
  );
}

/** The list page's screenshot, once no header or cell is cut short. */
async function shotUncut(page: Page, name: string) {
  expect(await cutText(page), `${name}: text cut at 1440 px`).toEqual([]);
  await shot(page, name);
}

export async function pagesFlow(options: { page: Page }) {
  const { page } = options;
  await signInAsGuest(page, {
    onSignInPage: () => shot(page, 'sign-in'),
  }).catch(async e => {
    await shot(page, 'failure-home');
    throw e;
  });
  await shot(page, 'home');

  await page.getByRole('link', { name: 'Models' }).first().click();
  await expect(page).toHaveURL(/\/inference\/models$/);
  await expect(
    page.getByText('qwen25-05b-instruct-ollama').first(),
  ).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText('llama-31-8b-instruct').first()).toBeVisible();
  await shotUncut(page, 'models');

  // A filtered view is a URL, and shows exactly the Models the backend
  // lists for the same filters.
  const res = await fetch(
    `${BACKEND}/api/inference-models/models?location=local&engine=OLlama`,
    { headers: { authorization: `Bearer ${await guestToken()}` } },
  );
  const expected = (await res.json()) as {
    items: Array<{ name: string; title?: string }>;
  };
  expect(
    expected.items.length,
    'the sandbox has an Ollama Model in local',
  ).toBeGreaterThan(0);
  await page.goto(`${FRONTEND}/inference/models?location=local&engine=OLlama`);
  await expect(
    page.getByText(
      `${expected.items.length} ${
        expected.items.length === 1 ? 'model' : 'models'
      } match`,
    ),
  ).toBeVisible({ timeout: 60_000 });
  // A data row's header cell (the Model column) shows the title first.
  const rowNames = await page
    .locator('tbody th[scope="row"]')
    .evaluateAll(cells =>
      cells.map(c => c.querySelector('p')?.textContent ?? ''),
    );
  const expectedTitles = expected.items.map(m => m.title ?? m.name);
  expect(rowNames.sort()).toEqual(expectedTitles.sort());
  await shot(page, 'models-filtered');

  await page.getByRole('link', { name: 'Customers' }).first().click();
  await expect(page).toHaveURL(/\/inference\/customers$/);
  await expect(page.getByText('Acme Robotics SRL').first()).toBeVisible({
    timeout: 120_000,
  });
  await shotUncut(page, 'customers');

  await page.getByRole('link', { name: 'Servers' }).first().click();
  await expect(page).toHaveURL(/\/inference\/nodes$/);
  await expect(
    page.getByText(/NVIDIA-GeForce-RTX-3090 x 2/).first(),
  ).toBeVisible({ timeout: 120_000 });
  await expect(
    page.getByText(/^local: NVIDIA-GeForce-RTX-3090 \d free of 8$/).first(),
  ).toBeVisible();
  // One line per location, a product per GPU model.
  await expect(
    page
      .getByText(
        /^stalpeni: NVIDIA-GeForce-RTX-3090 \d free of 4; NVIDIA-RTX-A6000 \d free of 4$/,
      )
      .first(),
  ).toBeVisible();
  await expect(
    page.getByText(/^pr: NVIDIA-RTX-A2000 \d free of 1$/).first(),
  ).toBeVisible();
  await shotUncut(page, 'servers');

  await page.getByRole('link', { name: 'Invoices' }).first().click();
  await expect(page).toHaveURL(/\/inference\/invoices$/);
  await expect(
    page.getByRole('button', { name: 'Preview (dry run)' }),
  ).toBeVisible({ timeout: 120_000 });
  // The runs' list has answered (a count, then its rows or what to do
  // next), not only the page's header: the screenshot shows the list.
  await expect(page.getByText(/^\d[\d,]* invoice runs?$/).first()).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.locator('table[aria-busy="true"]')).toHaveCount(0);
  await shotUncut(page, 'invoices');

  await page.getByRole('link', { name: 'Approvals' }).first().click();
  await expect(page).toHaveURL(/\/inference\/approvals$/);
  await expect(
    page.getByText(/^Pending or blocked \(\d+\)$/).first(),
  ).toBeVisible({ timeout: 120_000 });
  await shotUncut(page, 'approvals');
}
