/*
 * The e2e's `test`: Playwright's, plus `guestPage`, a page of its own
 * browser context already signed in as guest.
 */
import { test as base, type Page } from '@playwright/test';
import { signInAsGuest } from './portal';

export const test = base.extend<{ guestPage: Page }>({
  guestPage: async ({ page }, use) => {
    await signInAsGuest(page);
    await use(page);
  },
});

export { expect } from '@playwright/test';
