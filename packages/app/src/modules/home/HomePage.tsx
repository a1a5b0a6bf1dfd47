import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Grid,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import { useEffect, useState, type ReactNode } from 'react';
import { DailyChart } from './DailyChart';
import { listScheduledTasks } from './schedulerTasks';
import {
  toCents,
  toHomeFigures,
  type FailedTask,
  type LocationFigures,
} from './toHomeFigures';
import type {
  BillingOverviewResponse,
  ModelsOverviewResponse,
  SchedulerTask,
  ServerListResponse,
  SystemProbe,
} from './types';

/** How the page writes counts: 12,345. */
export const formatCount = (n: number) => n.toLocaleString('en-US');

/** Money as the page shows it: cents and the currency. */
const money = (amount: string, currency: string) =>
  `${toCents(amount)} ${currency}`;

const q = (params: Record<string, string>) =>
  `?${new URLSearchParams(params).toString()}`;

interface Loaded {
  models?: ModelsOverviewResponse;
  billing?: BillingOverviewResponse;
  servers?: ServerListResponse;
  tasks?: SchedulerTask[];
  /** What could not be loaded at all, per backend. */
  failures: string[];
}

const reason = (what: string, r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected'
    ? [`${what}: ${(r.reason as Error)?.message ?? String(r.reason)}`]
    : [];

function useHomeData(): Loaded | undefined {
  const models = useApi(inferenceModelsApiRef);
  const billing = useApi(inferenceBillingApiRef);
  const bareMetal = useApi(bareMetalApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [loaded, setLoaded] = useState<Loaded>();
  useEffect(() => {
    let live = true;
    Promise.allSettled([
      models.getModelsOverview(),
      billing.getBillingOverview(),
      // One server is enough: the summaries count every server.
      bareMetal.listNodes({ query: { limit: 1 } }),
      listScheduledTasks({ discoveryApi, fetchApi }),
    ]).then(([m, b, s, t]) => {
      if (!live) return;
      setLoaded({
        models: m.status === 'fulfilled' ? m.value : undefined,
        billing: b.status === 'fulfilled' ? b.value : undefined,
        servers: s.status === 'fulfilled' ? s.value : undefined,
        tasks: t.status === 'fulfilled' ? t.value : undefined,
        failures: [
          ...reason('Models', m),
          ...reason('Billing', b),
          ...reason('Servers', s),
          ...reason('Scheduled tasks', t),
        ],
      });
    });
    return () => {
      live = false;
    };
  }, [models, billing, bareMetal, discoveryApi, fetchApi]);
  return loaded;
}

/** One figure: its label, and its value linking to the page behind it. */
function Figure(props: {
  label: string;
  value: ReactNode;
  href: string;
  figure: string;
  detail?: ReactNode;
  /** The exact value where the shown one is rounded (money). */
  exact?: string;
  size?: 'small' | 'x-small';
}) {
  return (
    <Flex direction="column" gap="1">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <Link
        href={props.href}
        data-figure={props.figure}
        title={props.exact}
        data-exact={props.exact}
      >
        <Text
          variant={props.size === 'small' ? 'title-small' : 'title-x-small'}
        >
          {props.value}
        </Text>
      </Link>
      {props.detail && (
        <Text variant="body-small" color="secondary">
          {props.detail}
        </Text>
      )}
    </Flex>
  );
}

const probeText = (probe: SystemProbe | undefined) => {
  if (!probe) return 'not configured';
  return probe.reachable ? `up, ${probe.latencyMs} ms` : 'down';
};

function Systems(props: { l: LocationFigures }) {
  const { l } = props;
  const location = { location: l.location };
  return (
    <Grid.Root columns="3" gap="3">
      <Figure
        label="Cluster"
        figure="cluster"
        value={probeText(l.cluster)}
        href={`/inference/nodes${q(location)}`}
      />
      <Figure
        label="Bifrost"
        figure="bifrost"
        value={probeText(l.bifrost)}
        href={`/inference/customers${q(location)}`}
      />
      <Figure
        label="Odoo"
        figure="odoo"
        value={probeText(l.odoo)}
        href="/inference/invoices"
      />
    </Grid.Root>
  );
}

function FailedTasks(props: { tasks: FailedTask[] }) {
  if (props.tasks.length === 0) return null;
  return (
    <Flex direction="column" gap="1" data-figure="failed-tasks">
      <Text variant="body-small" color="secondary">
        Failed scheduled work
      </Text>
      {props.tasks.map(t => (
        <Text key={`${t.pluginId}/${t.taskId}`} variant="body-small">
          <Link href={t.href}>{t.taskId}</Link>
          {t.endedAt &&
            ` at ${t.endedAt.slice(0, 16).replace('T', ' ')} UTC`}: {t.error}
        </Text>
      ))}
    </Flex>
  );
}

function LocationCard(props: { l: LocationFigures }) {
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
          <Systems l={l} />
          <Grid.Root columns="3" gap="3">
            {l.models && (
              <Figure
                label="Models ready"
                figure="models-ready"
                value={`${l.models.ready}/${l.models.total}`}
                href={`/inference/models${q(location)}`}
                detail={`${l.models.replicas.ready}/${l.models.replicas.desired} replicas, ${l.models.scaledToZero} scaled to zero`}
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
                href="/inference/approvals"
                detail={
                  l.approvals.items[0] &&
                  `oldest ${l.approvals.items[0].companyName}, ${l.approvals.items[0].ageHours} h`
                }
              />
            )}
            {l.lastInvoiceRun && (
              <Figure
                label="Last invoice run"
                figure="invoice-run"
                value={`${l.lastInvoiceRun.month} ${l.lastInvoiceRun.state}`}
                href="/inference/invoices"
                detail={`${l.lastInvoiceRun.invoiceCount} invoices, ${l.lastInvoiceRun.total} ${l.lastInvoiceRun.currency}`}
              />
            )}
          </Grid.Root>
          {l.models && l.models.notReadyCount > 0 && (
            <Text variant="body-small" data-figure="not-ready">
              Not ready:{' '}
              {l.models.notReady.map((name, i) => (
                <span key={name}>
                  {i > 0 && ', '}
                  <Link
                    href={`/inference/models${q({ ...location, q: name })}`}
                  >
                    {name}
                  </Link>
                </span>
              ))}
              {l.models.notReadyCount > l.models.notReady.length &&
                ` and ${
                  l.models.notReadyCount - l.models.notReady.length
                } more`}
            </Text>
          )}
          {usage && (
            <Flex direction="column" gap="2">
              <Grid.Root columns="3" gap="3">
                <Figure
                  label="Requests this month"
                  figure="requests"
                  value={formatCount(usage.thisMonth.requests)}
                  href={`/inference/customers${q(location)}`}
                  detail={`same days last month: ${formatCount(
                    usage.lastMonth.requests,
                  )}`}
                />
                <Figure
                  label="Tokens this month"
                  figure="tokens"
                  value={formatCount(usage.thisMonth.tokens)}
                  href={`/inference/customers${q(location)}`}
                  detail={`same days last month: ${formatCount(
                    usage.lastMonth.tokens,
                  )}`}
                />
                <Figure
                  label="Revenue this month"
                  figure="revenue"
                  value={money(usage.thisMonth.revenue, usage.currency)}
                  exact={`${usage.thisMonth.revenue} ${usage.currency}`}
                  href={`/inference/customers${q(location)}`}
                  detail={`same days last month: ${money(
                    usage.lastMonth.revenue,
                    usage.currency,
                  )}`}
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

/** The business at a glance: company totals, then one card per location. */
export function HomePage() {
  const loaded = useHomeData();
  if (!loaded) {
    return (
      <Container>
        <Flex direction="column" gap="4">
          <Text as="h1" variant="title-large">
            The business at a glance
          </Text>
          <Skeleton width="100%" height={120} />
        </Flex>
      </Container>
    );
  }
  const { locations, company } = toHomeFigures({
    models: loaded.models?.items,
    billing: loaded.billing?.items,
    servers: loaded.servers,
    tasks: loaded.tasks,
    pendingApprovals: loaded.billing?.pendingApprovals,
  });
  return (
    <Container>
      <Flex direction="column" gap="4">
        <Text as="h1" variant="title-large">
          The business at a glance
        </Text>
        {loaded.failures.map(f => (
          <Alert key={f} status="danger" title={f} />
        ))}
        <Card aria-label="Company totals" data-location="company">
          <CardHeader>
            <Text as="h2" variant="title-small">
              Company totals
            </Text>
          </CardHeader>
          <CardBody>
            <Flex direction="column" gap="3">
              <Grid.Root columns={{ initial: '2', md: '4' }} gap="3">
                <Figure
                  size="small"
                  label="Locations up"
                  figure="locations-up"
                  value={`${company.locationsUp}/${company.locations}`}
                  href="/catalog?filters[kind]=resource&filters[type]=inference-location"
                />
                <Figure
                  size="small"
                  label="Models ready"
                  figure="models-ready"
                  value={`${company.models.ready}/${company.models.total}`}
                  href="/inference/models"
                  detail={`${company.models.notReady} not ready`}
                />
                <Figure
                  size="small"
                  label="GPUs in use"
                  figure="gpus"
                  value={`${company.gpus.busy}/${company.gpus.total}`}
                  href="/inference/nodes"
                />
                {company.pendingApprovals !== undefined && (
                  <Figure
                    size="small"
                    label="Pending approvals"
                    figure="approvals"
                    value={formatCount(company.pendingApprovals)}
                    href="/inference/approvals"
                  />
                )}
                {company.usage.map(u => (
                  <Figure
                    size="small"
                    key={`requests-${u.currency}`}
                    label="Requests this month"
                    figure="requests"
                    value={formatCount(u.thisMonth.requests)}
                    href="/inference/customers"
                    detail={`same days last month: ${formatCount(
                      u.lastMonth.requests,
                    )}`}
                  />
                ))}
                {company.usage.map(u => (
                  <Figure
                    size="small"
                    key={`tokens-${u.currency}`}
                    label="Tokens this month"
                    figure="tokens"
                    value={formatCount(u.thisMonth.tokens)}
                    href="/inference/customers"
                    detail={`same days last month: ${formatCount(
                      u.lastMonth.tokens,
                    )}`}
                  />
                ))}
                {company.usage.map(u => (
                  <Figure
                    size="small"
                    key={`revenue-${u.currency}`}
                    label="Revenue this month"
                    figure={`revenue:${u.currency}`}
                    value={money(u.thisMonth.revenue, u.currency)}
                    exact={`${u.thisMonth.revenue} ${u.currency}`}
                    href="/inference/customers"
                    detail={`same days last month: ${money(
                      u.lastMonth.revenue,
                      u.currency,
                    )}`}
                  />
                ))}
                <Figure
                  size="small"
                  label="Failed scheduled work"
                  figure="failed-count"
                  value={formatCount(company.failedTasks.length)}
                  href="#failed-scheduled-work"
                />
              </Grid.Root>
              <div id="failed-scheduled-work">
                <FailedTasks tasks={company.failedTasks} />
              </div>
            </Flex>
          </CardBody>
        </Card>
        <Grid.Root columns={{ initial: '1', lg: '3' }} gap="4">
          {locations.map(l => (
            <LocationCard key={l.location} l={l} />
          ))}
        </Grid.Root>
      </Flex>
    </Container>
  );
}
