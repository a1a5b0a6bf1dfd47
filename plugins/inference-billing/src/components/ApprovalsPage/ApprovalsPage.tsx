import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { Alert, ButtonLink, Flex, Link, Text } from '@backstage/ui';
import {
  formatCount,
  formatDateTime,
  LocationTable,
  locationFilter,
  PageHeading,
  SectionSkeleton,
  toListPageQuery,
  useUrlListState,
  ListCellText,
  type ListColumn,
} from '@internal/backstage-plugin-inference-react';
import { useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  errorMessage,
  inferenceBillingApiRef,
  ONBOARDING_SIGNAL_CHANNEL,
} from '../../api';
import type { OnboardingRequest } from '../../api/types';
import { customerRouteRef } from '../../routes';
import { KeyReveal } from '../KeyReveal';
import { RequestCard } from './RequestCard';

export { linksFor } from './RequestCard';

type Row = OnboardingRequest & { id: string };

const FILTERS = ['location', 'status'] as const;
const SORTS = ['company', 'status', 'requested', 'decided'] as const;
const sortOf = (column: string) =>
  SORTS.find(sort => sort === column) as (typeof SORTS)[number] | undefined;
const DECIDED = [
  { id: 'provisioned', label: 'provisioned' },
  { id: 'approved', label: 'approved (not provisioned yet)' },
  { id: 'rejected', label: 'rejected' },
  { id: 'expired', label: 'expired' },
];

const columns: ListColumn<Row>[] = [
  {
    id: 'company',
    label: 'Company',
    isRowHeader: true,
    isSortable: true,
    cell: r => (
      <ListCellText title={r.companyName} description={r.contactEmail} />
    ),
  },
  {
    id: 'status',
    label: 'Decision',
    isSortable: true,
    cell: r => (
      <ListCellText
        title={r.status}
        description={r.decidedBy && `by ${r.decidedBy}`}
      />
    ),
  },
  {
    id: 'locations',
    label: 'Locations',
    cell: r => <ListCellText title={r.locations.join(', ')} />,
  },
  {
    id: 'requested',
    label: 'Asked',
    isSortable: true,
    cell: r => (
      <ListCellText
        title={formatDateTime(r.createdAt)}
        description={r.requestedBy}
      />
    ),
  },
  {
    id: 'decided',
    label: 'Decided',
    isSortable: true,
    cell: r => (
      <ListCellText
        title={formatDateTime(r.decidedAt)}
        description={r.decisionReason}
      />
    ),
  },
];

/**
 * Onboarding approvals: requests awaiting a decision as cards to act on
 * (approve or reject with a reason, `inference.customer.approve`, never
 * one's own request), then the decided ones as a table. The view is in the
 * URL: location, search, the decision filter and sort; `?request=<id>`
 * opens a request, `?reveal=<id>` the requester's one-time key reveal. The
 * backend searches, filters, sorts and pages both lists.
 */
export const ApprovalsPage = () => {
  const api = useApi(inferenceBillingApiRef);
  const customerRoute = useRouteRef(customerRouteRef);
  const view = useUrlListState({ filters: FILTERS });
  const [params, setParams] = useSearchParams();
  const { pathname } = useLocation();
  const revealId = params.get('reveal');
  const openId = params.get('request');
  const [reloadKey, setReloadKey] = useState(0);
  const locations = useAsync(
    async () => (await api.listBillingLocations()).items,
    [api],
  );
  // The requests to act on: not paged, since each is a card to decide; the
  // backend's first page (200) is more than an approver works through.
  const awaiting = useAsync(
    () =>
      api.listOnboardingRequests({
        query: {
          ...toListPageQuery({
            offset: 0,
            limit: 200,
            search: view.search,
            filters: { location: view.filters.location },
          }),
          decided: false,
        },
      }),
    [api, view.search, view.filters.location, reloadKey],
  );
  const pending = awaiting.value?.items;
  // A request opened by link (`?request=`), wherever it is in the lists.
  const opened = useAsync(
    async () =>
      openId ? api.getOnboardingRequest({ path: { id: openId } }) : undefined,
    [api, openId, reloadKey],
  );

  // Live: any decision or new request (from any user) reloads the list.
  const { lastSignal } = useSignal(ONBOARDING_SIGNAL_CHANNEL);
  useEffect(() => {
    if (lastSignal) setReloadKey(k => k + 1);
  }, [lastSignal]);

  const hrefWith = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    const query = next.toString();
    return `${pathname}${query ? `?${query}` : ''}`;
  };
  // The decided request stays open, so the approver sees the outcome.
  const onDecided = (id: string) => {
    setParams(
      current => {
        const next = new URLSearchParams(current);
        next.set('request', id);
        return next;
      },
      { replace: true },
    );
    setReloadKey(k => k + 1);
  };
  const customerHref = (location: string, id: string) =>
    customerRoute?.({ location, id });

  const open =
    pending?.find(r => r.id === openId) ??
    (opened.value?.id === openId ? opened.value : undefined);
  const openSeparately = open && !pending?.some(r => r.id === open.id);

  return (
    <>
      <PageHeading
        title="Approvals"
        description="Onboarding requests for new customers: approve or reject each before it is provisioned in its locations."
        actions={
          <ButtonLink href="/create" variant="secondary">
            Onboard a customer
          </ButtonLink>
        }
      />
      <LocationTable<Row, (typeof FILTERS)[number]>
        view={view}
        reloadKey={reloadKey}
        describeError={errorMessage}
        load={async ({ offset, limit, search, filters, sort, signal }) => {
          const column = sort && sortOf(sort.column);
          const page = await api.listOnboardingRequests(
            {
              query: {
                ...toListPageQuery({ offset, limit, search, filters }),
                decided: true,
                ...(filters.status && {
                  status: filters.status as OnboardingRequest['status'],
                }),
                ...(column && { sort: column, order: sort.order }),
              },
            },
            { signal },
          );
          return { ...page, errors: [] };
        }}
        columns={columns}
        rowHref={r => hrefWith(next => next.set('request', r.id))}
        searchLabel="Search requests by company, e-mail, VAT or requester"
        filters={[
          locationFilter(locations.value),
          { name: 'status', label: 'Decision', options: DECIDED },
        ]}
        noun={['decided request', 'decided requests']}
        intro={
          <Flex direction="column" gap="4">
            {revealId && <KeyReveal revealId={revealId} />}
            {openId && opened.error && (
              <Alert status="warning" title={errorMessage(opened.error)} />
            )}
            {open && openSeparately && (
              <RequestCard
                key={`${open.id}:${open.status}`}
                request={open}
                onDecided={onDecided}
                customerHref={customerHref}
                closeHref={hrefWith(next => next.delete('request'))}
              />
            )}
            {awaiting.error && (
              <Alert status="danger" title={errorMessage(awaiting.error)} />
            )}
            {!pending && !awaiting.error && (
              <SectionSkeleton rows={3} height={48} />
            )}
            {awaiting.value && pending && (
              <>
                <Text as="h2" variant="title-medium">
                  Pending or blocked ({formatCount(awaiting.value.total)})
                </Text>
                {awaiting.value.total > pending.length && (
                  <Text as="p" variant="body-medium">
                    The {formatCount(pending.length)} newest are shown: search
                    or choose a location to find the others.
                  </Text>
                )}
                {pending.length === 0 && (
                  <Text as="p" variant="body-medium">
                    No onboarding request is waiting. New customers are
                    requested with the{' '}
                    <Link href="/create">Onboard a customer</Link> template.
                  </Text>
                )}
                {pending.map(r => (
                  <RequestCard
                    key={r.id}
                    request={r}
                    onDecided={onDecided}
                    customerHref={customerHref}
                  />
                ))}
                <Text as="h2" variant="title-medium">
                  Decided
                </Text>
              </>
            )}
          </Flex>
        }
        empty={{
          filtered:
            'No decided requests match this search and these filters. Clear them to see every request.',
          none: pending?.length
            ? 'No request has been decided yet: the pending ones above wait for an approver.'
            : 'No request has been decided yet.',
        }}
      />
    </>
  );
};
