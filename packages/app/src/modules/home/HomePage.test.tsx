import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import { askEarly } from '@internal/backstage-plugin-inference-react';
import { act, screen, within } from '@testing-library/react';
import { billing, models, servers, tasks } from './fixtures';
import { HOME_DATA, loadHomeData } from './homeData';
import { HomePage } from './HomePage';

function mockApis(
  options: {
    modelsFail?: boolean;
    /** What the billing backend answers (default: the fixtures). */
    billingOverview?: () => Promise<unknown>;
  } = {},
) {
  const fetched: string[] = [];
  const apis = [
    [
      inferenceModelsApiRef,
      {
        getModelsOverview: jest.fn(async () => {
          if (options.modelsFail) throw new Error('HTTP 503');
          return { items: models };
        }),
      },
    ],
    [
      inferenceBillingApiRef,
      {
        getBillingOverview: jest.fn(
          options.billingOverview ??
            (async () => ({
              items: billing,
              pendingApprovals: 1,
            })),
        ),
      },
    ],
    [
      bareMetalApiRef,
      {
        listNodes: jest.fn(async () => ({
          ...servers,
          items: [],
          total: 3,
          offset: 0,
        })),
      },
    ],
    [
      discoveryApiRef,
      { getBaseUrl: async (id: string) => `http://backend/api/${id}` },
    ],
    [
      fetchApiRef,
      {
        fetch: async (url: string) => {
          fetched.push(url);
          const pluginTasks = url.includes('/catalog/')
            ? tasks.filter(t => t.pluginId === 'catalog')
            : tasks.filter(t => t.pluginId !== 'catalog');
          return new Response(JSON.stringify({ tasks: pluginTasks }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        },
      },
    ],
  ] as any;
  const api = (ref: unknown) =>
    (apis as Array<[unknown, any]>).find(([r]) => r === ref)![1];
  return { fetched, apis, api };
}

function render(options: Parameters<typeof mockApis>[0] = {}) {
  const { fetched, apis } = mockApis(options);
  return { fetched, rendered: renderInTestApp(<HomePage />, { apis }) };
}

const figure = (scope: HTMLElement, name: string) =>
  scope.querySelector(`[data-figure="${name}"]`);

describe('HomePage', () => {
  it('shows the company totals, one card per location, each figure a link to its page', async () => {
    const { fetched } = render();
    const company = await screen.findByLabelText('Company totals');
    expect(figure(company, 'locations-up')).toHaveTextContent('1/2');
    // It opens the locations' entities, and says which is not up.
    expect(figure(company, 'locations-up')).toHaveAttribute(
      'href',
      '/catalog?filters[kind]=resource&filters[type]=kubernetes-cluster',
    );
    expect(
      within(company).getByText('pr: cluster, bifrost, odoo down'),
    ).toBeInTheDocument();
    expect(figure(company, 'models-ready')).toHaveTextContent('6/8');
    expect(figure(company, 'gpus')).toHaveTextContent('1/2');
    expect(figure(company, 'requests')).toHaveTextContent('1,205');
    expect(figure(company, 'revenue:USD')).toHaveTextContent('$12.60');
    expect(figure(company, 'revenue:USD')).toHaveAttribute(
      'data-exact',
      '12.6 USD',
    );
    expect(figure(company, 'approvals')).toHaveTextContent('1');
    expect(figure(company, 'failed-count')).toHaveTextContent('2');

    const local = screen.getByLabelText('Location local');
    expect(figure(local, 'cluster')).toHaveTextContent('up, 4 ms');
    expect(figure(local, 'bifrost')).toHaveTextContent('up, 7 ms');
    expect(figure(local, 'models-ready')).toHaveTextContent('6/8');
    expect(figure(local, 'models-ready')).toHaveAttribute(
      'href',
      '/inference/models?location=local',
    );
    expect(figure(local, 'gpus:NVIDIA RTX 4090')).toHaveAttribute(
      'href',
      '/inference/nodes?location=local&gpu=NVIDIA+RTX+4090',
    );
    expect(figure(local, 'requests')).toHaveTextContent('1,200');
    expect(figure(local, 'revenue')).toHaveTextContent('$12.50');
    expect(figure(local, 'revenue')).toHaveAttribute('title', '12.5 USD');
    expect(figure(local, 'approvals')).toHaveAttribute(
      'href',
      '/inference/approvals?location=local',
    );
    expect(figure(local, 'invoice-run')).toHaveTextContent('2026-11 failed');
    expect(figure(local, 'invoice-run')).toHaveAttribute(
      'href',
      '/inference/invoices?location=local&run=run-1',
    );
    expect(within(local).getByText('deepseek-r1')).toHaveAttribute(
      'href',
      '/inference/models?location=local&q=deepseek-r1',
    );
    expect(figure(local, 'failed-tasks')).toHaveTextContent(
      'usage-ingestion:local',
    );
    expect(
      within(local).getByRole('img', { name: /Daily requests in local/ }),
    ).toBeInTheDocument();
    expect(fetched).toEqual([
      'http://backend/api/inference-billing/.backstage/scheduler/v1/tasks',
      'http://backend/api/catalog/.backstage/scheduler/v1/tasks',
    ]);
  });

  it('says what the Models that are not ready are: scaled to zero or short of replicas', async () => {
    render();
    const company = await screen.findByLabelText('Company totals');
    // 6 ready + 1 scaled to zero + 1 not ready = 8.
    expect(figure(company, 'models-ready')).toHaveTextContent('6/8');
    expect(
      within(company).getByText('1 scaled to zero, 1 not ready'),
    ).toBeInTheDocument();
    const local = screen.getByLabelText('Location local');
    expect(
      within(local).getByText('1 scaled to zero, 1 not ready; 6/7 replicas'),
    ).toBeInTheDocument();
  });

  it('says where to start when a location has no invoice run yet, and nothing when billing did not answer', async () => {
    render();
    const pr = await screen.findByLabelText('Location pr');
    expect(figure(pr, 'invoice-run')).toBeNull();
    expect(within(pr).getByText(/No invoice run yet/)).toBeInTheDocument();
    expect(
      within(pr).getByRole('link', { name: 'preview or generate one' }),
    ).toHaveAttribute('href', '/inference/invoices?location=pr');
    const local = screen.getByLabelText('Location local');
    expect(within(local).queryByText(/No invoice run yet/)).toBeNull();
  });

  it('does not claim there is no invoice run when billing could not be read', async () => {
    render({
      billingOverview: async () => {
        throw new Error('HTTP 503');
      },
    });
    expect(await screen.findByText('Billing: HTTP 503')).toBeInTheDocument();
    expect(screen.queryByText(/No invoice run yet/)).toBeNull();
  });

  it('shows the page header and skeletons until every backend answered', async () => {
    let answer: (value: unknown) => void = () => {};
    render({
      billingOverview: () => new Promise(resolve => (answer = resolve)),
    });
    expect(
      await screen.findByRole('heading', { name: 'The business at a glance' }),
    ).toBeInTheDocument();
    expect(document.querySelector('[aria-busy="true"]')).not.toBeNull();
    expect(screen.queryByLabelText('Company totals')).toBeNull();
    answer({ items: billing, pendingApprovals: 1 });
    expect(await screen.findByLabelText('Company totals')).toBeInTheDocument();
    expect(document.querySelector('[aria-busy="true"]')).toBeNull();
  });

  it('shows a location that is down as an error and leaves the others intact', async () => {
    render();
    const pr = await screen.findByLabelText('Location pr');
    expect(
      within(pr).getByText('Puerto Rico is down: none of its systems answers'),
    ).toBeInTheDocument();
    expect(
      within(pr).getByText('location pr: bifrost: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(figure(pr, 'cluster')).toHaveTextContent('down');
    const local = screen.getByLabelText('Location local');
    expect(within(local).queryByText(/is down/)).not.toBeInTheDocument();
    expect(figure(local, 'models-ready')).toHaveTextContent('6/8');
  });

  it('keeps the other figures when one backend cannot be read', async () => {
    render({ modelsFail: true });
    expect(await screen.findByText('Models: HTTP 503')).toBeInTheDocument();
    const local = screen.getByLabelText('Location local');
    expect(figure(local, 'models-ready')).toBeNull();
    expect(figure(local, 'requests')).toHaveTextContent('1,200');
  });

  it('shows the figures its route asked for early in its first render, without asking again', async () => {
    const { apis, api } = mockApis();
    askEarly(HOME_DATA, HOME_DATA, () =>
      loadHomeData({
        models: api(inferenceModelsApiRef),
        billing: api(inferenceBillingApiRef),
        bareMetal: api(bareMetalApiRef),
        discoveryApi: api(discoveryApiRef),
        fetchApi: api(fetchApiRef),
      }),
    );
    // The answers come before the page is drawn.
    await act(async () => new Promise(resolve => setTimeout(resolve, 0)));
    const overview = api(inferenceModelsApiRef).getModelsOverview as jest.Mock;
    expect(overview).toHaveBeenCalledTimes(1);
    await renderInTestApp(<HomePage />, { apis });
    expect(screen.getByLabelText('Company totals')).toBeInTheDocument();
    expect(document.querySelector('[class*="bui-Skeleton"]')).toBeNull();
    expect(overview).toHaveBeenCalledTimes(1);
    expect(api(bareMetalApiRef).listNodes).toHaveBeenCalledTimes(1);
  });
});
