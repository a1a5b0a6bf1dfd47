import { screen } from '@testing-library/react';
import { renderAt, requests } from './__testUtils__/appHarness';

// The pages load lazily, and the first render of the whole app is slow.
jest.setTimeout(60_000);

// A file of its own: rendered after the catalog page in one jsdom, the
// lazily loaded page of a second app never arrived (jsdom and jest's module
// registry, not the app: the e2e opens it in Chromium).
describe('the app at /', () => {
  beforeEach(() => {
    requests.length = 0;
  });

  it('opens the home page, the business at a glance, not the template home', async () => {
    renderAt('/');
    expect(
      await screen.findByText('The business at a glance', undefined, {
        timeout: 20_000,
      }),
    ).toBeInTheDocument();
    // The location card of what the Models backend reported.
    expect(
      await screen.findByRole('heading', { name: 'Local (local)' }),
    ).toBeInTheDocument();
    expect(requests.some(u => u.endsWith('/inference-models/overview'))).toBe(
      true,
    );
    // Not the Models list any more, nor the template's home widgets.
    expect(requests.some(u => u.includes('/inference-models/models'))).toBe(
      false,
    );
    expect(screen.queryByText(/Welcome to Backstage/)).not.toBeInTheDocument();
    // The sidebar's Home item leads here.
    expect(
      screen
        .getAllByRole('link', { name: 'Home' })
        .some(a => a.getAttribute('href') === '/'),
    ).toBe(true);
  });
});
