import { fetchApiRef } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApprovalsPage } from './ApprovalsPage';

const pending = {
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

function fakeFetch(
  decision: { status: number; body: object },
  items: object[] = [pending],
) {
  return {
    fetch: jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.endsWith('/decision')) {
        return new Response(JSON.stringify(decision.body), {
          status: decision.status,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (url.includes('/onboarding/reveals/')) {
        return new Response(
          JSON.stringify({
            value: 'sk-bf-revealed-once',
            location: 'local',
            requestId: pending.id,
          }),
          { status: 200 },
        );
      }
      void init;
      return new Response(JSON.stringify({ items }), {
        status: 200,
      });
    }),
  };
}

describe('ApprovalsPage', () => {
  it('shows a pending request with who asked, and sends an approval', async () => {
    const fetchApi = fakeFetch({
      status: 200,
      body: { ...pending, status: 'approved' },
    });
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fetchApi]],
    });
    expect(await screen.findByText('Initech SRL')).toBeInTheDocument();
    expect(
      screen.getByText(/Asked by user:default\/guest/),
    ).toBeInTheDocument();
    expect(screen.getByText('local: qwen25-05b-instruct')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(fetchApi.fetch).toHaveBeenCalledWith(
        expect.stringMatching(
          /\/onboarding\/requests\/11111111-1111-4111-8111-111111111111\/decision$/,
        ),
        expect.objectContaining({
          method: 'POST',
          body: JSON.stringify({ decision: 'approve' }),
        }),
      ),
    );
  });

  it("shows the backend's refusal of a self-approval", async () => {
    const fetchApi = fakeFetch({
      status: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message:
            'You cannot approve or reject your own onboarding request; another approver must decide',
        },
        response: { statusCode: 403 },
      },
    });
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fetchApi]],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    expect(
      await screen.findByText(/cannot approve or reject your own/),
    ).toBeInTheDocument();
  });

  it('reveals a key only when asked', async () => {
    const fetchApi = fakeFetch({ status: 200, body: pending });
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fetchApi]],
      initialRouteEntries: ['/?reveal=22222222-2222-4222-8222-222222222222'],
    });
    const button = await screen.findByRole('button', {
      name: 'Reveal the key once',
    });
    expect(screen.queryByText('sk-bf-revealed-once')).not.toBeInTheDocument();
    expect(
      fetchApi.fetch.mock.calls.some(([u]) => String(u).includes('/reveals/')),
    ).toBe(false);
    fireEvent.click(button);
    expect(await screen.findByText('sk-bf-revealed-once')).toBeInTheDocument();
  });

  it('shows the clash with an existing customer and approves only with an explicit link', async () => {
    const acme = {
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
    const fetchApi = fakeFetch(
      { status: 200, body: { ...acme, status: 'approved' } },
      [acme],
    );
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fetchApi]],
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
      expect(fetchApi.fetch).toHaveBeenCalledWith(
        expect.stringMatching(/\/decision$/),
        expect.objectContaining({
          body: JSON.stringify({
            decision: 'approve',
            linkToExisting: [
              {
                location: 'local',
                bifrostCustomerId: 'cust-acme',
                odooPartnerId: '7',
              },
            ],
          }),
        }),
      ),
    );
  });

  it('offers no link when nothing clashes, and says when a system could not be checked', async () => {
    const unchecked = {
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
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fakeFetch({ status: 200, body: {} }, [unchecked])]],
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
    const blocked = {
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
    const fetchApi = fakeFetch(
      { status: 200, body: { ...blocked, status: 'approved' } },
      [blocked],
    );
    await renderInTestApp(<ApprovalsPage />, {
      apis: [[fetchApiRef, fetchApi]],
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
      expect(fetchApi.fetch).toHaveBeenCalledWith(
        expect.stringMatching(/\/decision$/),
        expect.objectContaining({
          body: JSON.stringify({
            decision: 'approve',
            linkToExisting: [{ location: 'local', odooPartnerId: '9' }],
          }),
        }),
      ),
    );
  });
});
