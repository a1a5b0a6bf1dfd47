import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  Alert,
  ButtonLink,
  CellText,
  Flex,
  Link,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import {
  formatDateTime,
  LocationTable,
  PageHeading,
  SectionSkeleton,
  useUrlListState,
} from '@internal/backstage-plugin-inference-react';
import { useEffect, useRef, useState } from 'react';
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
import { selectRequests, REQUEST_SORTS } from './requests';
import { awaitsDecision, RequestCard } from './RequestCard';

export { linksFor } from './RequestCard';

type Row = OnboardingRequest & { id: string };

const FILTERS = ['location', 'status'] as const;
const DECIDED = [
  { id: 'provisioned', label: 'provisioned' },
  { id: 'approved', label: 'approved (not provisioned yet)' },
  { id: 'rejected', label: 'rejected' },
  { id: 'expired', label: 'expired' },
];

const columns: ColumnConfig<Row>[] = [
  {
    id: 'company',
    label: 'Company',
    isRowHeader: true,
    isSortable: true,
    cell: r => <CellText title={r.companyName} description={r.contactEmail} />,
  },
  {
    id: 'status',
    label: 'Decision',
    isSortable: true,
    cell: r => (
      <CellText
        title={r.status}
        description={r.decidedBy && `by ${r.decidedBy}`}
      />
    ),
  },
  {
    id: 'locations',
    label: 'Locations',
    cell: r => <CellText title={r.locations.join(', ')} />,
  },
  {
    id: 'requested',
    label: 'Asked',
    isSortable: true,
    cell: r => (
      <CellText
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
      <CellText
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
 * backend lists the 200 newest requests: they are searched here.
 */
export const ApprovalsPage = () => {
  const api = useApi(inferenceBillingApiRef);
  const customerRoute = useRouteRef(customerRouteRef);
  const view = useUrlListState({ filters: FILTERS });
  const [params, setParams] = useSearchParams();
  const { pathname } = useLocation();
  const revealId = params.get('reveal');
  const openId = params.get('request');
  const [requests, setRequests] = useState<OnboardingRequest[]>();
  const [failed, setFailed] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);
  const locations = useAsync(
    async () => (await api.listBillingLocations()).items,
    [api],
  );

  // One request per reload; paging and sorting reuse it.
  const cache = useRef<{ key: number; list: Promise<OnboardingRequest[]> }>();
  const listRequests = () => {
    if (cache.current?.key !== reloadKey) {
      const list = api.listOnboardingRequests().then(r => r.items);
      cache.current = { key: reloadKey, list };
    }
    return cache.current.list;
  };

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

  const pending = requests
    ? selectRequests(requests, {
        search: view.search,
        location: view.filters.location,
        sort: null,
      }).filter(awaitsDecision)
    : undefined;
  const open = requests?.find(r => r.id === openId);
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
        load={async ({ offset, limit, search, filters, sort }) => {
          let all: OnboardingRequest[];
          try {
            all = await listRequests();
          } catch (e) {
            cache.current = undefined;
            setFailed(true);
            throw e;
          }
          setFailed(false);
          setRequests(all);
          const decided = selectRequests(all, {
            search,
            location: filters.location,
            status: filters.status,
            sort: sort && REQUEST_SORTS.includes(sort.column) ? sort : null,
          }).filter(r => !awaitsDecision(r));
          return {
            items: decided.slice(offset, offset + limit),
            errors: [],
            total: decided.length,
          };
        }}
        columns={columns}
        rowHref={r => hrefWith(next => next.set('request', r.id))}
        searchLabel="Search requests by company, e-mail, VAT or requester"
        filters={[
          {
            name: 'location',
            label: 'Location',
            options: (locations.value ?? []).map(l => ({
              id: l.name,
              label: `${l.title} (${l.name})`,
            })),
          },
          { name: 'status', label: 'Decision', options: DECIDED },
        ]}
        noun={['decided request', 'decided requests']}
        intro={
          <Flex direction="column" gap="4">
            {revealId && <KeyReveal revealId={revealId} />}
            {openId && requests && !open && (
              <Alert
                status="warning"
                title="This request is not among the 200 newest: it is no longer listed here."
              />
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
            {!pending && !failed && <SectionSkeleton rows={3} height={48} />}
            {pending && (
              <>
                <Text as="h2" variant="title-medium">
                  Pending or blocked ({pending.length})
                </Text>
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
          none: 'No request has been decided yet: the pending ones above wait for an approver.',
        }}
      />
    </>
  );
};
