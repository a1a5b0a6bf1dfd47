import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { backstageError } from '../../__testUtils__/responseError';
import { inferenceBillingApiRef } from '../../api';
import type { OnboardingRequest } from '../../api/types';
import { rootRouteRef } from '../../routes';
import { ApprovalsPage } from './ApprovalsPage';

const pending: OnboardingRequest = {
  id: '11111111-1111-4111-8111-111111111111',
  status: 'pending',
  requestedBy: 'user:default/guest',
  createdAt: '2026-11-22T10:00:00.000Z',
  expiresAt: '2026-11-29T10:00:00.000Z',
  companyName: 'Initech SRL',
  contactEmail: 'billing@initech.example',
  vatId: 'RO12345678',
  country: 'RO',
  locations: ['local'],
  budgetUsd: 750,
  requestsPerMinute: 60,
  tokensPerMinute: 100000,
  allowedModels: { local: ['qwen25-05b-instruct'] },
  currency: 'EUR',
  notes: 'Pilot',
  provisioning: [],
};

type ListQuery = {
  decided?: boolean;
  location?: string;
  status?: string;
  q?: string;
  offset?: number;
  limit?: number;
};

/**
 * The onboarding calls of the page: the list selects as the backend does
 * (decided or not, location, status, words of the company name), and
 * `decide` answers the decision, which the next list then holds.
 */
function fakeApi(
  decide: () => Promise<OnboardingRequest>,
  items: OnboardingRequest[] = [pending],
) {
  let stored = items;
  const awaiting = (r: OnboardingRequest) =>
    r.status === 'pending' || r.status === 'blocked';
  return {
    listOnboardingRequests: jest.fn(
      async (request?: { query?: ListQuery }, _?: object) => {
        const query = request?.query ?? {};
        const words = (query.q ?? '').toLowerCase().split(/\s+/);
        const selected = stored.filter(
          r =>
            (query.decided === undefined || query.decided !== awaiting(r)) &&
            (!query.location || r.locations.includes(query.location)) &&
            (!query.status || r.status === query.status) &&
            words.every(w => r.companyName.toLowerCase().includes(w)),
        );
        const offset = query.offset ?? 0;
        return {
          items: selected.slice(offset, offset + (query.limit ?? 200)),
          total: selected.length,
        };
      },
    ),
    getOnboardingRequest: jest.fn(
      async ({ path }: { path: { id: string } }) => {
        const found = stored.find(r => r.id === path.id);
        if (!found) {
          throw await backstageError(
            404,
            'NotFoundError',
            `No onboarding request ${path.id}`,
          );
        }
        return found;
      },
    ),
    decideOnboardingRequest: jest.fn(
      async (_: { path: { id: string }; body: object }) => {
        const decided = await decide();
        stored = stored.map(r => (r.id === decided.id ? decided : r));
        return decided;
      },
    ),
    revealOnboardingKey: jest.fn(async (_: { path: { revealId: string } }) => ({
      value: 'sk-bf-revealed-once',
      location: 'local',
      requestId: pending.id,
    })),
  };
}

const approved = (request: OnboardingRequest) => async () => ({
  ...request,
  status: 'approved' as const,
  decidedBy: 'user:default/approver',
});

describe('ApprovalsPage', () => {
  it('shows a pending request with who asked, and sends an approval', async () => {
    const api = fakeApi(approved(pending));
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
    });
    expect(await screen.findByText('Initech SRL')).toBeInTheDocument();
    expect(
      screen.getByText(/Asked by user:default\/guest/),
    ).toBeInTheDocument();
    expect(screen.getByText('local: qwen25-05b-instruct')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(api.decideOnboardingRequest).toHaveBeenCalledWith({
        path: { id: '11111111-1111-4111-8111-111111111111' },
        body: { decision: 'approve' },
      }),
    );
    expect(
      await screen.findByText('approved by user:default/approver'),
    ).toBeInTheDocument();
  });

  it("shows the backend's refusal of a self-approval", async () => {
    const refusal = await backstageError(
      403,
      'NotAllowedError',
      'You cannot approve or reject your own onboarding request; another approver must decide',
    );
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, fakeApi(() => Promise.reject(refusal))]],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    expect(
      await screen.findByText(/cannot approve or reject your own/),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the requests cannot be listed", async () => {
    const api = fakeApi(approved(pending));
    api.listOnboardingRequests.mockRejectedValue(
      await backstageError(
        403,
        'NotAllowedError',
        'Access to inference.customer.approve denied for user:default/guest',
      ),
    );
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
    });
    // Both lists say so: the requests to decide and the decided ones.
    expect(
      await screen.findAllByText(
        'Access to inference.customer.approve denied for user:default/guest',
      ),
    ).toHaveLength(2);
    expect(screen.queryByText('Initech SRL')).toBeNull();
  });

  it('reveals a key only when asked', async () => {
    const api = fakeApi(async () => pending);
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
      initialRouteEntries: ['/?reveal=22222222-2222-4222-8222-222222222222'],
    });
    const button = await screen.findByRole('button', {
      name: 'Reveal the key once',
    });
    expect(screen.queryByText('sk-bf-revealed-once')).not.toBeInTheDocument();
    expect(api.revealOnboardingKey).not.toHaveBeenCalled();
    fireEvent.click(button);
    expect(await screen.findByText('sk-bf-revealed-once')).toBeInTheDocument();
    expect(api.revealOnboardingKey).toHaveBeenCalledWith({
      path: { revealId: '22222222-2222-4222-8222-222222222222' },
    });
  });

  it('shows the clash with an existing customer and approves only with an explicit link', async () => {
    const acme: OnboardingRequest = {
      ...pending,
      companyName: 'Acme Robotics SRL',
      clashes: [
        {
          location: 'local',
          system: 'bifrost',
          id: 'cust-acme',
          name: 'Acme Robotics SRL',
          matchedOn: ['name'],
        },
        {
          location: 'local',
          system: 'odoo',
          id: '7',
          name: 'Acme Robotics SRL',
          matchedOn: ['name', 'vat'],
        },
      ],
      clashCheckFailures: [],
    };
    const api = fakeApi(approved(acme), [acme]);
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
    });
    expect(
      await screen.findByText(/Clashes with an existing customer/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'local: Bifrost customer Acme Robotics SRL (cust-acme), same name',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'local: Odoo partner Acme Robotics SRL (7), same name and vat',
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Approve, linked to the existing customer',
      }),
    );
    await waitFor(() =>
      expect(api.decideOnboardingRequest).toHaveBeenCalledWith({
        path: { id: acme.id },
        body: {
          decision: 'approve',
          linkToExisting: [
            {
              location: 'local',
              bifrostCustomerId: 'cust-acme',
              odooPartnerId: '7',
            },
          ],
        },
      }),
    );
    expect(
      await screen.findByText('approved by user:default/approver'),
    ).toBeInTheDocument();
  });

  it('offers no link when nothing clashes, and says when a system could not be checked', async () => {
    const unchecked: OnboardingRequest = {
      ...pending,
      clashes: [],
      clashCheckFailures: [
        {
          location: 'local',
          system: 'odoo',
          message: 'location local: odoo: timed out',
        },
      ],
    };
    renderInTestApp(<ApprovalsPage />, {
      apis: [
        [inferenceBillingApiRef, fakeApi(approved(unchecked), [unchecked])],
      ],
    });
    expect(
      await screen.findByText(/Not checked for clashes in local \(odoo\)/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Approve, linked to the existing customer',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows a blocked request among those awaiting a decision, with why, and re-approves linking only the partner', async () => {
    const blocked: OnboardingRequest = {
      ...pending,
      status: 'blocked',
      decidedBy: 'user:default/approver',
      blockedReason:
        "partner step in local: location local: odoo partner 'Initech Holding' (9) has the same vat",
      provisioning: [
        {
          location: 'local',
          bifrostCustomerId: 'cust-own',
          bifrostCustomerOrigin: 'created',
          virtualKeyName: 'initech-srl-11111111',
          virtualKeyLast4: 'abcd',
        },
      ],
      clashes: [
        {
          location: 'local',
          system: 'odoo',
          id: '9',
          name: 'Initech Holding',
          matchedOn: ['vat'],
        },
      ],
      clashCheckFailures: [],
    };
    const api = fakeApi(approved(blocked), [blocked]);
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
    });
    expect(
      await screen.findByText('Pending or blocked (1)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Provisioning stopped at the partner step in local: .*'Initech Holding' \(9\)/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Approve again' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Approve, linked to the existing partner',
      }),
    );
    await waitFor(() =>
      expect(api.decideOnboardingRequest).toHaveBeenCalledWith({
        path: { id: blocked.id },
        body: {
          decision: 'approve',
          linkToExisting: [{ location: 'local', odooPartnerId: '9' }],
        },
      }),
    );
    expect(
      await screen.findByText('approved by user:default/approver'),
    ).toBeInTheDocument();
  });
});

describe('ApprovalsPage list', () => {
  const provisioned: OnboardingRequest = {
    ...pending,
    id: '33333333-3333-4333-8333-333333333333',
    status: 'provisioned',
    companyName: 'Vandelay Industries',
    contactEmail: 'art@vandelay.example',
    locations: ['stalpeni', 'pr'],
    allowedModels: { stalpeni: ['qwen'], pr: ['qwen'] },
    decidedBy: 'user:default/approver',
    decidedAt: '2026-11-23T09:30:00.000Z',
    provisioning: [
      { location: 'stalpeni', bifrostCustomerId: 'cust-v1' },
      { location: 'pr', bifrostCustomerId: 'cust-v2' },
    ],
  };
  const rejected: OnboardingRequest = {
    ...pending,
    id: '44444444-4444-4444-8444-444444444444',
    status: 'rejected',
    companyName: 'Globex Corporation',
    decidedBy: 'user:default/approver',
    decisionReason: 'No VAT registration',
  };

  function render(url: string, items: OnboardingRequest[]) {
    const api = {
      ...fakeApi(async () => pending, items),
      listBillingLocations: jest.fn(async () => ({
        items: [
          { name: 'local', title: 'Local', countryCode: 'RO', odoo: true },
          { name: 'pr', title: 'Puerto Rico', countryCode: 'PR', odoo: true },
        ],
      })),
    };
    renderInTestApp(<ApprovalsPage />, {
      apis: [[inferenceBillingApiRef, api]],
      initialRouteEntries: [url],
      mountedRoutes: { '/inference/customers': rootRouteRef },
    });
    return api;
  }

  it('lists decided requests in a table whose rows open the request', async () => {
    render('/', [pending, provisioned, rejected]);
    expect(
      await screen.findByText('Pending or blocked (1)'),
    ).toBeInTheDocument();
    expect(screen.getByText('2 decided requests')).toBeInTheDocument();
    expect(
      screen.getByText('Vandelay Industries').closest('[data-href]'),
    ).toHaveAttribute('data-href', `/?request=${provisioned.id}`);
    expect(screen.getByText('23 Nov 2026, 09:30 UTC')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Approvals' }),
    ).toBeInTheDocument();
  });

  it('asks the backend for both the waiting requests and the decided ones of the location and search of the URL', async () => {
    const api = render('/?location=pr&q=vandelay', [
      pending,
      provisioned,
      rejected,
    ]);
    expect(
      await screen.findByText('Pending or blocked (0)'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 decided request match')).toBeInTheDocument();
    expect(screen.getByText('Vandelay Industries')).toBeInTheDocument();
    expect(screen.queryByText('Initech SRL')).toBeNull();
    expect(screen.queryByText('Globex Corporation')).toBeNull();
    expect(api.listOnboardingRequests).toHaveBeenCalledWith({
      query: { limit: 200, q: 'vandelay', location: 'pr', decided: false },
    });
    expect(api.listOnboardingRequests).toHaveBeenCalledWith(
      {
        query: expect.objectContaining({
          q: 'vandelay',
          location: 'pr',
          decided: true,
        }),
      },
      expect.anything(),
    );
  });

  it('sorts and filters the decided requests in the backend', async () => {
    const api = render('/?status=rejected&sort=decided&order=desc', [rejected]);
    await waitFor(() =>
      expect(api.listOnboardingRequests).toHaveBeenCalledWith(
        {
          query: expect.objectContaining({
            decided: true,
            status: 'rejected',
            sort: 'decided',
            order: 'desc',
          }),
        },
        expect.anything(),
      ),
    );
  });

  it('says so when the request the URL names does not exist', async () => {
    render('/?request=55555555-5555-4555-8555-555555555555', [pending]);
    expect(
      await screen.findByText(
        'No onboarding request 55555555-5555-4555-8555-555555555555',
      ),
    ).toBeInTheDocument();
  });

  it('opens the request the URL names, with links to the customers it created', async () => {
    render(`/?request=${provisioned.id}`, [provisioned]);
    const card = await screen.findByLabelText(
      'Onboarding request Vandelay Industries',
    );
    expect(
      within(card).getByText('provisioned by user:default/approver'),
    ).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'pr' })).toHaveAttribute(
      'href',
      '/inference/customers/pr/cust-v2',
    );
    expect(within(card).getByRole('link', { name: 'Close' })).toHaveAttribute(
      'href',
      '/',
    );
  });

  it('points at the pending requests when some wait and none was decided', async () => {
    render('/', [pending]);
    expect(
      await screen.findByText(
        'No request has been decided yet: the pending ones above wait for an approver.',
      ),
    ).toBeInTheDocument();
  });

  it('says what to do when nothing waits and nothing was decided', async () => {
    render('/', []);
    expect(
      await screen.findByText(/No onboarding request is waiting/),
    ).toBeInTheDocument();
    // Nothing is pending, so nothing "above" waits for an approver.
    expect(
      await screen.findByText('No request has been decided yet.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/pending ones above/)).toBeNull();
  });
});
