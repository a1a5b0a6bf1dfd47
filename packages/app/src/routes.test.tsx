import { screen, waitFor, within } from '@testing-library/react';
import { renderAt, requests } from './__testUtils__/appHarness';

// The pages load lazily, and the first render of the whole app is slow.
jest.setTimeout(60_000);

describe('routes of the app (app-config.yaml)', () => {
  beforeEach(() => {
    requests.length = 0;
  });

  it('serves the catalog at /catalog, opening on all Resources', async () => {
    renderAt('/catalog');
    await waitFor(
      () => {
        expect(document.body.textContent).toMatch(/All Resources \(1\)/);
        expect(screen.getByText('Qwen2.5-0.5B-Instruct')).toBeInTheDocument();
      },
      { timeout: 20_000 },
    );
    await waitFor(() =>
      expect(
        requests.some(
          r =>
            r.includes('/entities/by-query') &&
            /filter=kind%3Dresource&/.test(r),
        ),
      ).toBe(true),
    );
    // Listed: every Resource, not only the ones the user owns.
    expect(
      requests.some(
        r =>
          r.includes('/entities/by-query?limit=20') &&
          r.includes('relations.ownedBy'),
      ),
    ).toBe(false);
  });

  it("has no template home page; the sidebar's Home item opens / (the business at a glance)", async () => {
    renderAt('/home');
    expect(
      await screen.findByText(/PAGE NOT FOUND/i, undefined, {
        timeout: 20_000,
      }),
    ).toBeInTheDocument();
    const nav = screen.getByRole('navigation');
    expect(
      within(nav).getByText('Home').closest('a')?.getAttribute('href'),
    ).toBe('/');
    expect(within(nav).getByText('Catalog')).toBeInTheDocument();
    expect(within(nav).getByText('Models')).toBeInTheDocument();
  });
});
