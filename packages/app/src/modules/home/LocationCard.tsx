import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Grid,
  Link,
  Text,
} from '@backstage/ui';
import {
  formatAge,
  formatCount,
  formatMoney,
} from '@internal/backstage-plugin-inference-react';
import { DailyChart } from './DailyChart';
import {
  FailedTasks,
  Figure,
  modelsDetail,
  q,
  Systems,
  UsageFigures,
} from './Figures';
import type { LocationFigures } from './toHomeFigures';

/** The Models that are short of replicas, each linking to its row. */
function NotReady(props: { l: LocationFigures }) {
  const { l } = props;
  if (!l.models || l.models.notReadyCount === 0) return null;
  const more = l.models.notReadyCount - l.models.notReady.length;
  return (
    <Text variant="body-small" data-figure="not-ready">
      Not ready:{' '}
      {l.models.notReady.map((name, i) => (
        <span key={name}>
          {i > 0 && ', '}
          <Link
            href={`/inference/models${q({ location: l.location, q: name })}`}
          >
            {name}
          </Link>
        </span>
      ))}
      {more > 0 && ` and ${formatCount(more)} more`}
    </Text>
  );
}

/** The last invoice run, or where to start one when there is none yet. */
function InvoiceRun(props: { l: LocationFigures }) {
  const { l } = props;
  const href = `/inference/invoices${q({ location: l.location })}`;
  if (l.lastInvoiceRun) {
    const run = l.lastInvoiceRun;
    return (
      <Figure
        label="Last invoice run"
        figure="invoice-run"
        value={`${run.month} ${run.state}`}
        href={`/inference/invoices${q({ location: l.location, run: run.id })}`}
        detail={`${formatCount(run.invoiceCount)} invoices, ${formatMoney(
          run.total,
          run.currency,
        )}`}
      />
    );
  }
  // Only what the billing backend answered: an outage is not "no run".
  if (!l.billingRead) return null;
  return (
    <Flex direction="column" gap="1" data-figure="no-invoice-run">
      <Text variant="body-small" color="secondary">
        Last invoice run
      </Text>
      <Text variant="body-small">
        No invoice run yet: <Link href={href}>preview or generate one</Link>
      </Text>
    </Flex>
  );
}

/** One location at a glance; a location that is down shows as an error. */
export function LocationCard(props: { l: LocationFigures }) {
  const { l } = props;
  const location = { location: l.location };
  const usage = l.usage;
  return (
    <Card aria-label={`Location ${l.location}`} data-location={l.location}>
      <CardHeader>
        <Text as="h2" variant="title-small">
          {l.title} ({l.location})
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          {l.down && (
            <Alert
              status="danger"
              title={`${l.title} is down: none of its systems answers`}
            />
          )}
          {l.errors.map(e => (
            <Alert key={e} status={l.down ? 'danger' : 'warning'} title={e} />
          ))}
          <Systems
            location={l.location}
            cluster={l.cluster}
            bifrost={l.bifrost}
            odoo={l.odoo}
          />
          <Grid.Root columns="3" gap="3">
            {l.models && (
              <Figure
                label="Models ready"
                figure="models-ready"
                value={`${l.models.ready}/${l.models.total}`}
                href={`/inference/models${q(location)}`}
                detail={`${modelsDetail({
                  ...l.models,
                  notReady: l.models.notReadyCount,
                })}; ${formatCount(l.models.replicas.ready)}/${formatCount(
                  l.models.replicas.desired,
                )} replicas`}
              />
            )}
            {(l.gpus ?? []).map(g => (
              <Figure
                key={g.product}
                label={`GPUs in use: ${g.product}`}
                figure={`gpus:${g.product}`}
                value={`${g.total - g.free}/${g.total}`}
                href={`/inference/nodes${q({ ...location, gpu: g.product })}`}
              />
            ))}
            {l.approvals && (
              <Figure
                label="Pending approvals"
                figure="approvals"
                value={formatCount(l.approvals.count)}
                href={`/inference/approvals${q(location)}`}
                detail={
                  l.approvals.items[0] &&
                  `oldest ${l.approvals.items[0].companyName}, ${formatAge(
                    l.approvals.items[0].ageHours,
                  )}`
                }
              />
            )}
            <InvoiceRun l={l} />
          </Grid.Root>
          <NotReady l={l} />
          {usage && (
            <Flex direction="column" gap="2">
              <Grid.Root columns="3" gap="3">
                <UsageFigures
                  usage={usage}
                  href={`/inference/customers${q(location)}`}
                />
              </Grid.Root>
              <DailyChart
                label={`Daily requests in ${l.location}: this month against the same days of last month`}
                thisMonth={usage.daily.map(d => ({
                  day: d.day,
                  value: d.requests,
                }))}
                lastMonth={usage.lastMonthDaily.map(d => ({
                  day: d.day,
                  value: d.requests,
                }))}
              />
              <Text variant="body-x-small" color="secondary">
                Daily requests: this month (dark) beside the same days of last
                month (light)
              </Text>
            </Flex>
          )}
          <FailedTasks tasks={l.failedTasks} />
        </Flex>
      </CardBody>
    </Card>
  );
}
