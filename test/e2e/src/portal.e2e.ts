/*
 * End to end, against the portal the global setup started exactly as the
 * README's first command does (`./portal start`): the sandbox's data through
 * the backend API, then in Chromium the guest's pages and flows. The global
 * teardown stops the portal with SIGINT and checks that everything it
 * started is gone and that no secret reached the log or a database.
 */
import { test } from './fixtures';
import { createModelFlow } from './createModel.flow';
import { homeFlow } from './home.flow';
import { kubernetesTabFlow } from './kubernetesTab.flow';
import { onboardingFlow } from './onboarding.flow';
import { pagesFlow } from './pages.flow';
import { sandboxApiFlow } from './sandboxApi.flow';
import { screenshotsFlow } from './screenshots.flow';
import { searchFlow } from './search.flow';

test.describe('portal started with ./portal start', () => {
  test('serves the sandbox Models, customers and servers through the backend API', async () => {
    await sandboxApiFlow();
  });

  test('signs in as guest and opens each inference page', async ({ page }) => {
    await pagesFlow({ page });
  });

  test('onboards a customer: template by the guest, approval by another user, key revealed once', async ({
    browser,
    guestPage,
  }) => {
    await onboardingFlow({ browser, page: guestPage });
  });

  test('creates a Model with the create-model template; it reaches the catalog', async ({
    guestPage,
  }) => {
    await createModelFlow({ page: guestPage });
  });

  test("shows a Model's Kubernetes tab: its Pods counted, its Model resource, no error; its Model tab lists the Pods and their servers", async ({
    guestPage,
  }) => {
    await kubernetesTabFlow({ page: guestPage });
  });

  test("shows the business at a glance at /: each location's card as the backends report it; pr's Bifrost failing turns only pr into an error", async ({
    guestPage,
  }) => {
    await homeFlow({ page: guestPage });
  });

  test('searches a model of two locations: one result per location, the query marked, filtered by location', async ({
    guestPage,
  }) => {
    await searchFlow({ page: guestPage });
  });

  test("shows content on every page of the sidebar and on a server's and a location's entity pages (screenshots at 1440x900)", async ({
    guestPage,
  }) => {
    await screenshotsFlow({ page: guestPage });
  });
});
