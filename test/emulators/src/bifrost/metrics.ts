/*
 * Prometheus exposition of the telemetry plugin, computed from the
 * emulator's state (logs, refused requests, HTTP request counts).
 */
import type { Refusal } from './inference';
import type { BifrostLog } from './types';

export interface HttpCount {
  path: string;
  method: string;
  status: number;
  count: number;
}

type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${escapeLabel(v)}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Family {
  private readonly series = new Map<
    string,
    { labels: Labels; value: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  add(labels: Labels, value: number): void {
    const key = renderLabels(labels);
    const s = this.series.get(key);
    if (s) s.value += value;
    else this.series.set(key, { labels, value });
  }
  render(): string {
    const lines = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} ${this.type}`,
    ];
    for (const s of this.series.values())
      lines.push(`${this.name}${renderLabels(s.labels)} ${s.value}`);
    return lines.join('\n');
  }
}

function logLabels(log: BifrostLog): Labels {
  return {
    provider: log.provider,
    model: log.model,
    method: log.stream ? 'chat_completion_stream' : 'chat_completion',
    virtual_key_id: log.virtual_key_id ?? '',
    virtual_key_name: log.virtual_key_name ?? '',
    team_id: log.team_id ?? '',
    team_name: log.team_name ?? '',
    customer_id: log.customer_id ?? '',
    customer_name: log.customer_name ?? '',
    selected_key_id: log.selected_key_id,
    selected_key_name: log.selected_key_name,
  };
}

const POLICY_ERROR_TYPES: Record<string, string> = {
  budget_exceeded: 'policy_budget_exceeded',
  rate_limited: 'policy_rate_limited',
  token_limited: 'policy_rate_limited',
  request_limited: 'policy_rate_limited',
  model_blocked: 'policy_model_blocked',
  provider_blocked: 'policy_provider_blocked',
  access_blocked: 'policy_access_blocked',
  virtual_key_required: 'policy_virtual_key_required',
  virtual_key_not_found: 'policy_virtual_key_not_found',
};

export function renderMetrics(
  logs: BifrostLog[],
  refusals: Refusal[],
  http: HttpCount[],
): string {
  const httpRequests = new Family(
    'http_requests_total',
    'Total number of HTTP requests.',
    'counter',
  );
  for (const h of http) {
    httpRequests.add(
      { path: h.path, method: h.method, status: String(h.status) },
      h.count,
    );
  }
  const upstream = new Family(
    'bifrost_upstream_requests_total',
    'Total number of requests forwarded to upstream providers by Bifrost.',
    'counter',
  );
  const success = new Family(
    'bifrost_success_requests_total',
    'Total number of successful requests forwarded to upstream providers by Bifrost.',
    'counter',
  );
  const errors = new Family(
    'bifrost_error_requests_total',
    'Total number of error requests forwarded to upstream providers by Bifrost.',
    'counter',
  );
  const input = new Family(
    'bifrost_input_tokens_total',
    'Total number of input tokens.',
    'counter',
  );
  const output = new Family(
    'bifrost_output_tokens_total',
    'Total number of output tokens.',
    'counter',
  );
  const cost = new Family(
    'bifrost_cost_total',
    'Total cost in USD for requests to upstream providers.',
    'counter',
  );
  const latency = new Family(
    'bifrost_upstream_latency_seconds',
    'Latency of requests forwarded to upstream providers by Bifrost.',
    'histogram',
  );
  const active = new Family(
    'bifrost_active_requests',
    'Number of requests currently being processed.',
    'gauge',
  );
  active.add({}, 0);

  for (const log of logs) {
    if (log.status !== 'success' && log.status !== 'error') continue;
    const labels = logLabels(log);
    upstream.add(labels, 1);
    if (log.status === 'success') success.add(labels, 1);
    else {
      errors.add(
        {
          ...labels,
          status_code: String(log.error_details?.status_code ?? 500),
          error_type: log.error_details?.type ?? '_OTHER',
        },
        1,
      );
    }
    input.add(labels, log.token_usage?.prompt_tokens ?? 0);
    output.add(labels, log.token_usage?.completion_tokens ?? 0);
    if (log.cost !== undefined) cost.add(labels, log.cost);
    if (log.latency !== undefined) {
      const seconds = log.latency / 1000;
      for (const le of [0.1, 0.5, 1, 2.5, 5, 10, 30, 60]) {
        latency.add({ ...labels, le: String(le) }, seconds <= le ? 1 : 0);
      }
      latency.add({ ...labels, le: '+Inf' }, 1);
    }
  }
  for (const r of refusals) {
    errors.add(
      {
        provider: r.provider,
        model: r.model,
        method: 'chat_completion',
        virtual_key_id: r.virtualKeyId ?? '',
        virtual_key_name: r.virtualKeyName ?? '',
        status_code: String(r.statusCode),
        error_type: POLICY_ERROR_TYPES[r.type] ?? '_OTHER',
      },
      1,
    );
  }
  const bucketText = latency
    .render()
    .replace(
      /^bifrost_upstream_latency_seconds\{/gm,
      'bifrost_upstream_latency_seconds_bucket{',
    );
  const latencyLines = [bucketText];
  // _sum and _count per label set (without `le`).
  const sums = new Map<
    string,
    { labels: Labels; sum: number; count: number }
  >();
  for (const log of logs) {
    if (
      (log.status !== 'success' && log.status !== 'error') ||
      log.latency === undefined
    )
      continue;
    const labels = logLabels(log);
    const key = renderLabels(labels);
    const s = sums.get(key) ?? { labels, sum: 0, count: 0 };
    s.sum += log.latency / 1000;
    s.count += 1;
    sums.set(key, s);
  }
  for (const s of sums.values()) {
    latencyLines.push(
      `bifrost_upstream_latency_seconds_sum${renderLabels(s.labels)} ${s.sum}`,
    );
    latencyLines.push(
      `bifrost_upstream_latency_seconds_count${renderLabels(s.labels)} ${
        s.count
      }`,
    );
  }
  return `${[
    httpRequests.render(),
    upstream.render(),
    success.render(),
    errors.render(),
    input.render(),
    output.render(),
    cost.render(),
    latencyLines.join('\n'),
    active.render(),
  ].join('\n')}\n`;
}
