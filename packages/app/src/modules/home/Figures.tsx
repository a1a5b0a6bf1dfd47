import { Flex, Grid, Link, Text } from '@backstage/ui';
import {
  formatCount,
  formatDateTime,
  formatMoney,
} from '@internal/backstage-plugin-inference-react';
import type { ReactNode } from 'react';
import type { CompanyFigures, FailedTask } from './toHomeFigures';
import type { SystemProbe } from './types';

/** `?location=pr&gpu=...`: a link to a list page filtered as the figure. */
export const q = (params: Record<string, string>) =>
  `?${new URLSearchParams(params).toString()}`;

/** One figure: its label, and its value linking to the page behind it. */
export function Figure(props: {
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

/** Requests, tokens and revenue this month, against the same days of last month. */
export type UsagePeriods = Pick<
  CompanyFigures['usage'][number],
  'currency' | 'thisMonth' | 'lastMonth'
>;

/**
 * The usage figures of a location or of the company (one currency): the
 * same three figures, written once, each linking to the customers behind it.
 */
export function UsageFigures(props: {
  usage: UsagePeriods;
  href: string;
  size?: 'small' | 'x-small';
  /** The company shows revenue per currency: its figure names the currency. */
  revenueFigure?: string;
}) {
  const { usage, href, size } = props;
  const lastMonth = (value: string) => `same days last month: ${value}`;
  return (
    <>
      <Figure
        size={size}
        label="Requests this month"
        figure="requests"
        value={formatCount(usage.thisMonth.requests)}
        href={href}
        detail={lastMonth(formatCount(usage.lastMonth.requests))}
      />
      <Figure
        size={size}
        label="Tokens this month"
        figure="tokens"
        value={formatCount(usage.thisMonth.tokens)}
        href={href}
        detail={lastMonth(formatCount(usage.lastMonth.tokens))}
      />
      <Figure
        size={size}
        label="Revenue this month"
        figure={props.revenueFigure ?? 'revenue'}
        value={formatMoney(usage.thisMonth.revenue, usage.currency)}
        exact={`${usage.thisMonth.revenue} ${usage.currency}`}
        href={href}
        detail={lastMonth(formatMoney(usage.lastMonth.revenue, usage.currency))}
      />
    </>
  );
}

/**
 * What the Models that are not ready are: each Model is ready, scaled to
 * zero (on purpose, no replica wanted) or not ready (short of replicas), so
 * "15/16 ready" says why the 16th is not.
 */
export function modelsDetail(models: {
  total: number;
  ready: number;
  scaledToZero: number;
  notReady: number;
}): string {
  const parts = [
    models.scaledToZero > 0 &&
      `${formatCount(models.scaledToZero)} scaled to zero`,
    models.notReady > 0 && `${formatCount(models.notReady)} not ready`,
  ].filter(Boolean);
  if (models.total === 0) return 'no Models yet';
  return parts.length ? parts.join(', ') : 'all ready';
}

const probeText = (probe: SystemProbe | undefined) => {
  if (!probe) return 'not configured';
  return probe.reachable ? `up, ${probe.latencyMs} ms` : 'down';
};

/** A location's cluster, Bifrost and Odoo: up (with latency) or down. */
export function Systems(props: {
  location: string;
  cluster?: SystemProbe;
  bifrost?: SystemProbe;
  odoo?: SystemProbe;
}) {
  const location = { location: props.location };
  return (
    <Grid.Root columns="3" gap="3">
      <Figure
        label="Cluster"
        figure="cluster"
        value={probeText(props.cluster)}
        href={`/inference/nodes${q(location)}`}
      />
      <Figure
        label="Bifrost"
        figure="bifrost"
        value={probeText(props.bifrost)}
        href={`/inference/customers${q(location)}`}
      />
      <Figure
        label="Odoo"
        figure="odoo"
        value={probeText(props.odoo)}
        href={`/inference/invoices${q(location)}`}
      />
    </Grid.Root>
  );
}

/** Scheduled tasks whose last run failed, each linking to the page of its work. */
export function FailedTasks(props: { tasks: FailedTask[] }) {
  if (props.tasks.length === 0) return null;
  return (
    <Flex direction="column" gap="1" data-figure="failed-tasks">
      <Text variant="body-small" color="secondary">
        Failed scheduled work
      </Text>
      {props.tasks.map(t => (
        <Text key={`${t.pluginId}/${t.taskId}`} variant="body-small">
          <Link href={t.href}>{t.taskId}</Link>
          {t.endedAt && ` at ${formatDateTime(t.endedAt)}`}: {t.error}
        </Text>
      ))}
    </Flex>
  );
}
