import { screen } from '@testing-library/react';
import { renderAt, requests } from './__testUtils__/appHarness';

// The pages load lazily, and the first render of the whole app is slow.
jest.setTimeout(60_000);

// A file of its own: rendered after the catalog page in one jsdom, the
// lazily loaded Models page of a second app never arrived (jsdom and
// jest's module registry, not the app: the e2e opens it in Chromium).
describe('the app at /', () => {
  beforeEach(() => {
    requests.length = 0;
  });

  it('opens / on the Models page until there is a home page', async () => {
    renderAt('/');
    expect(
      await screen.findByText('1 model', undefined, {
        timeout: 20_000,
      }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Welcome to Backstage/)).not.toBeInTheDocument();
  });
});
