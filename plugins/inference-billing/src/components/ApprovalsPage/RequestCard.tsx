import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Badge,
  Button,
  ButtonLink,
  Card,
  CardBody,
  Flex,
  Link,
  Text,
  TextField,
} from '@backstage/ui';
import {
  formatCount,
  formatDateTime,
  formatMoney,
} from '@internal/backstage-plugin-inference-react';
import { useState } from 'react';
import { errorMessage, inferenceBillingApiRef } from '../../api';
import type {
  OnboardingClash,
  OnboardingLink,
  OnboardingRequest,
} from '../../api/types';

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
export const awaitsDecision = (r: OnboardingRequest) =>
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

/** The customers a request created or was linked to, each a link. */
function Customers(props: {
  request: OnboardingRequest;
  customerHref?: (location: string, customerId: string) => string | undefined;
}) {
  const held = props.request.provisioning.filter(p => p.bifrostCustomerId);
  if (!held.length) return null;
  return (
    <Text as="p" variant="body-medium">
      Customer:{' '}
      {held.map((p, i) => {
        const href = props.customerHref?.(p.location, p.bifrostCustomerId!);
        return (
          <span key={p.location}>
            {i > 0 && ', '}
            {href ? <Link href={href}>{p.location}</Link> : p.location}
          </span>
        );
      })}
    </Text>
  );
}

/**
 * One onboarding request with its details and who asked; while it awaits a
 * decision, approve (linked to an existing customer where it clashes) or
 * reject it with a reason; once provisioned, links to its customers.
 */
export function RequestCard(props: {
  request: OnboardingRequest;
  onDecided: (id: string) => void;
  /** The customer page of a provisioned customer. */
  customerHref?: (location: string, customerId: string) => string | undefined;
  /** Where "Close" goes (when the card is opened from the list). */
  closeHref?: string;
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
      props.onDecided(request.id);
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
          <Flex gap="2" align="center" justify="between">
            <Flex gap="2" align="center">
              <Text as="h3" variant="title-small">
                {request.companyName}
              </Text>
              <Badge>{request.status}</Badge>
            </Flex>
            {props.closeHref && (
              <ButtonLink
                href={props.closeHref}
                variant="tertiary"
                size="small"
              >
                Close
              </ButtonLink>
            )}
          </Flex>
          <Text as="p" variant="body-medium">
            Asked by {request.requestedBy} on{' '}
            {formatDateTime(request.createdAt)}; decide before{' '}
            {formatDateTime(request.expiresAt)}.
          </Text>
          <Text as="p" variant="body-medium">
            {request.contactEmail}, VAT {request.vatId}, {request.country},
            billed in {request.currency}
          </Text>
          <Text as="p" variant="body-medium">
            Budget {formatMoney(request.budgetUsd, 'USD')}/month,{' '}
            {formatCount(request.requestsPerMinute)} requests/min,{' '}
            {formatCount(request.tokensPerMinute)} tokens/min
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
          <Customers request={request} customerHref={props.customerHref} />
          {error && <Alert status="danger" title={error} />}
        </Flex>
      </CardBody>
    </Card>
  );
}
