import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  Container,
  Flex,
  Text,
  TextField,
} from '@backstage/ui';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  errorMessage,
  inferenceBillingApiRef,
  ONBOARDING_SIGNAL_CHANNEL,
} from '../../api';
import type {
  OnboardingClash,
  OnboardingLink,
  OnboardingRequest,
} from '../../api/types';
import { KeyReveal } from '../KeyReveal';

const usd = (value: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    maximumFractionDigits: 0,
  }).format(value);

const describe = (c: OnboardingClash) =>
  `${c.location}: ${
    c.system === 'bifrost' ? 'Bifrost customer' : 'Odoo partner'
  } ${c.name} (${c.id}), same ${c.matchedOn.join(' and ')}`;

/**
 * The links an approver may confirm: in each location with clashes, the one
 * clashing Bifrost customer and at most one clashing Odoo partner; where the
 * request already holds its own customer (blocked at the partner step), the
 * one clashing partner alone. Undefined when that is ambiguous (several
 * customers or partners, or only a partner clashes for a request without a
 * customer).
 */
export function linksFor(
  clashes: OnboardingClash[],
  provisioning: OnboardingRequest['provisioning'] = [],
): OnboardingLink[] | undefined {
  const locations = [...new Set(clashes.map(c => c.location))];
  const links: OnboardingLink[] = [];
  for (const location of locations) {
    const here = clashes.filter(c => c.location === location);
    const customers = here.filter(c => c.system === 'bifrost');
    const partners = here.filter(c => c.system === 'odoo');
    const held = provisioning.find(p => p.location === location);
    if (partners.length > 1) return undefined;
    if (held?.bifrostCustomerId) {
      if (customers.length || !partners.length) return undefined;
      links.push({ location, odooPartnerId: partners[0].id });
      continue;
    }
    if (customers.length !== 1) return undefined;
    links.push({
      location,
      bifrostCustomerId: customers[0].id,
      ...(partners[0] && { odooPartnerId: partners[0].id }),
    });
  }
  return links.length ? links : undefined;
}

/** Requests an approver acts on: new ones, and approved ones stopped by a clash. */
const awaitsDecision = (r: OnboardingRequest) =>
  r.status === 'pending' || r.status === 'blocked';

function Clashes(props: { request: OnboardingRequest }) {
  const { clashes = [], clashCheckFailures = [] } = props.request;
  if (!clashes.length && !clashCheckFailures.length) return null;
  return (
    <Flex direction="column" gap="1">
      {clashes.length > 0 && (
        <Alert
          status="warning"
          title="Clashes with an existing customer: approving needs an explicit link to it, else reject"
        />
      )}
      {clashes.map(c => (
        <Text
          as="p"
          variant="body-medium"
          key={`${c.location}-${c.system}-${c.id}`}
        >
          {describe(c)}
        </Text>
      ))}
      {clashCheckFailures.map(f => (
        <Alert
          key={`${f.location}-${f.system}`}
          status="danger"
          title={`Not checked for clashes in ${f.location} (${f.system}): ${f.message}`}
        />
      ))}
    </Flex>
  );
}

function RequestCard(props: {
  request: OnboardingRequest;
  onDecided: () => void;
}) {
  const { request } = props;
  const api = useApi(inferenceBillingApiRef);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const links = linksFor(request.clashes ?? [], request.provisioning);
  const decide = async (
    decision: 'approve' | 'reject',
    linkToExisting?: OnboardingLink[],
  ) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.decideOnboardingRequest({
        path: { id: request.id },
        body: {
          decision,
          ...(reason.trim() && { reason: reason.trim() }),
          ...(linkToExisting && { linkToExisting }),
        },
      });
      props.onDecided();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card aria-label={`Onboarding request ${request.companyName}`}>
      <CardBody>
        <Flex direction="column" gap="2">
          <Flex gap="2" align="center">
            <Text as="h3" variant="title-small">
              {request.companyName}
            </Text>
            <Badge>{request.status}</Badge>
          </Flex>
          <Text as="p" variant="body-medium">
            Asked by {request.requestedBy} on{' '}
            {new Date(request.createdAt).toLocaleString()}; decide before{' '}
            {new Date(request.expiresAt).toLocaleString()}.
          </Text>
          <Text as="p" variant="body-medium">
            {request.contactEmail}, VAT {request.vatId}, {request.country},
            billed in {request.currency}
          </Text>
          <Text as="p" variant="body-medium">
            Budget {usd(request.budgetUsd)}/month, {request.requestsPerMinute}{' '}
            requests/min, {request.tokensPerMinute} tokens/min
          </Text>
          {Object.entries(request.allowedModels).map(([location, models]) => (
            <Text as="p" variant="body-medium" key={location}>
              {location}: {models.join(', ')}
            </Text>
          ))}
          {request.notes && (
            <Text as="p" variant="body-medium">
              Notes: {request.notes}
            </Text>
          )}
          {request.status === 'blocked' && (
            <Alert
              status="danger"
              title={`Provisioning stopped at the ${request.blockedReason}. Reject it, or approve it again linked to the existing customer; then retry the onboarding task.`}
            />
          )}
          {awaitsDecision(request) && <Clashes request={request} />}
          {awaitsDecision(request) ? (
            <Flex gap="2" align="end">
              <TextField
                label="Reason (required to reject)"
                value={reason}
                onChange={setReason}
              />
              <Button isDisabled={busy} onPress={() => decide('approve')}>
                {request.status === 'blocked' ? 'Approve again' : 'Approve'}
              </Button>
              {links && (
                <Button
                  variant="secondary"
                  isDisabled={busy}
                  onPress={() => decide('approve', links)}
                >
                  {links.some(l => !l.bifrostCustomerId)
                    ? 'Approve, linked to the existing partner'
                    : 'Approve, linked to the existing customer'}
                </Button>
              )}
              <Button
                variant="secondary"
                isDisabled={busy}
                onPress={() => decide('reject')}
              >
                Reject
              </Button>
            </Flex>
          ) : (
            <Text as="p" variant="body-medium">
              {request.status} by {request.decidedBy ?? '-'}
              {request.decisionReason ? `: ${request.decisionReason}` : ''}
            </Text>
          )}
          {error && <Alert status="danger" title={error} />}
        </Flex>
      </CardBody>
    </Card>
  );
}

function RequestList() {
  const api = useApi(inferenceBillingApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listOnboardingRequests(),
    [api],
  );
  // Live: any decision or new request (from any user) reloads the list.
  const { lastSignal } = useSignal(ONBOARDING_SIGNAL_CHANNEL);
  useEffect(() => {
    if (lastSignal) retry();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  if (loading && !value) return <Progress />;
  if (error) {
    return <Alert status="danger" title={errorMessage(error)} />;
  }
  const items = value?.items ?? [];
  const pending = items.filter(awaitsDecision);
  const decided = items.filter(r => !awaitsDecision(r));
  return (
    <Flex direction="column" gap="4">
      <Text as="h2" variant="title-medium">
        Pending or blocked ({pending.length})
      </Text>
      {pending.length === 0 && (
        <Text as="p" variant="body-medium">
          No onboarding request is waiting.
        </Text>
      )}
      {pending.map(r => (
        <RequestCard key={r.id} request={r} onDecided={retry} />
      ))}
      <Text as="h2" variant="title-medium">
        Decided
      </Text>
      {decided.map(r => (
        <RequestCard key={r.id} request={r} onDecided={retry} />
      ))}
    </Flex>
  );
}

/**
 * Onboarding approvals: pending requests with their details and who asked,
 * approve or reject with a reason (`inference.customer.approve`, never one's
 * own request). With `?reveal=<id>`, the requester's one-time key reveal.
 */
export const ApprovalsPage = () => {
  const [params] = useSearchParams();
  const revealId = params.get('reveal');
  return (
    <Container>
      <Flex direction="column" gap="4">
        <Text as="h1" variant="title-large">
          Onboarding approvals
        </Text>
        {revealId && <KeyReveal revealId={revealId} />}
        <RequestList />
      </Flex>
    </Container>
  );
};
