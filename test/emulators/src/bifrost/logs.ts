/*
 * The log store side of the emulator: `GET /api/logs` query parsing
 * (handlers/logging.go getLogs), filtering, sorting, pagination and stats
 * (framework/logstore).
 */
import { randomUUID } from 'node:crypto';
import type { BifrostStore } from './state';
import type {
  BifrostLog,
  BifrostLogInput,
  BifrostLogsPagination,
  BifrostLogsResponse,
  BifrostLogsStats,
} from './types';
import { HttpError, parseDuration, parseRfc3339 } from './util';

export interface LogFilters {
  providers?: string[];
  models?: string[];
  status?: string[];
  objects?: string[];
  selectedKeyIds?: string[];
  virtualKeyIds?: string[];
  routingRuleIds?: string[];
  teamIds?: string[];
  customerIds?: string[];
  userIds?: string[];
  stopReasons?: string[];
  parentRequestId?: string;
  startTime?: number;
  endTime?: number;
  minLatency?: number;
  maxLatency?: number;
  minTokens?: number;
  maxTokens?: number;
  minCost?: number;
  maxCost?: number;
  missingCostOnly?: boolean;
  contentSearch?: string;
  requestId?: string;
}

export interface LogPagination {
  limit: number;
  offset: number;
  sortBy: 'timestamp' | 'latency' | 'tokens' | 'cost';
  order: 'asc' | 'desc';
}

type Query = Record<string, unknown>;

function str(q: Query, key: string): string {
  const v = q[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

/** `parseCommaSeparated`: split, trim, drop empties. */
function csv(q: Query, key: string): string[] | undefined {
  const v = str(q, key);
  if (v === '') return undefined;
  const parts = v
    .split(',')
    .map(s => s.trim())
    .filter(s => s !== '');
  return parts.length > 0 ? parts : undefined;
}

/** strconv.ParseFloat; invalid values are ignored like the real handler does. */
function float(q: Query, key: string): number | undefined {
  const v = str(q, key);
  if (v === '' || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v))
    return undefined;
  return Number(v);
}

/** strconv.Atoi: decimal integers only. */
export function atoi(v: string): number | undefined {
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

function bool(q: Query, key: string): boolean | undefined {
  const v = str(q, key);
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** Parses the query of `GET /api/logs` exactly like getLogs; throws 400s for bad limit/offset. */
export function parseLogsQuery(q: Query): {
  filters: LogFilters;
  pagination: LogPagination;
} {
  const filters: LogFilters = {
    providers: csv(q, 'providers'),
    models: csv(q, 'models'),
    status: csv(q, 'status'),
    objects: csv(q, 'objects'),
    selectedKeyIds: csv(q, 'selected_key_ids'),
    virtualKeyIds: csv(q, 'virtual_key_ids'),
    routingRuleIds: csv(q, 'routing_rule_ids'),
    teamIds: csv(q, 'team_ids'),
    customerIds: csv(q, 'customer_ids'),
    userIds: csv(q, 'user_ids'),
    stopReasons: csv(q, 'stop_reasons'),
    parentRequestId:
      str(q, 'parent_request_id').trim() ||
      str(q, 'session_id').trim() ||
      undefined,
    minLatency: float(q, 'min_latency'),
    maxLatency: float(q, 'max_latency'),
    minTokens: atoi(str(q, 'min_tokens')),
    maxTokens: atoi(str(q, 'max_tokens')),
    minCost: float(q, 'min_cost'),
    maxCost: float(q, 'max_cost'),
    missingCostOnly: bool(q, 'missing_cost_only'),
    contentSearch: str(q, 'content_search') || undefined,
    requestId: str(q, 'request_id') || undefined,
  };
  // Invalid RFC3339 values are silently ignored.
  const start = str(q, 'start_time');
  if (start !== '') filters.startTime = parseRfc3339(start);
  const end = str(q, 'end_time');
  if (end !== '') filters.endTime = parseRfc3339(end);
  const period = str(q, 'period');
  if (period !== '') {
    const ms = parseDuration(period);
    if (ms !== undefined && ms > 0) {
      filters.startTime = Date.now() - ms;
      filters.endTime = Date.now();
    }
  }

  const pagination: LogPagination = {
    limit: 50,
    offset: 0,
    sortBy: 'timestamp',
    order: 'desc',
  };
  const limit = atoi(str(q, 'limit'));
  if (limit !== undefined) {
    if (limit <= 0) throw new HttpError(400, 'limit must be greater than 0');
    if (limit > 1000) throw new HttpError(400, 'limit cannot exceed 1000');
    pagination.limit = limit;
  }
  const offset = atoi(str(q, 'offset'));
  if (offset !== undefined) {
    if (offset < 0) throw new HttpError(400, 'offset cannot be negative');
    pagination.offset = offset;
  }
  const sortBy = str(q, 'sort_by');
  if (
    sortBy === 'timestamp' ||
    sortBy === 'latency' ||
    sortBy === 'tokens' ||
    sortBy === 'cost'
  ) {
    pagination.sortBy = sortBy;
  }
  const order = str(q, 'order');
  if (order === 'asc' || order === 'desc') pagination.order = order;
  return { filters, pagination };
}

const inList = (
  list: string[] | undefined,
  value: string | null | undefined,
): boolean =>
  !list || (value !== null && value !== undefined && list.includes(value));

function tokensOf(log: BifrostLog): number {
  return log.token_usage?.total_tokens ?? 0;
}

export function matchesFilters(log: BifrostLog, f: LogFilters): boolean {
  if (f.requestId !== undefined && log.id !== f.requestId) return false;
  if (!inList(f.providers, log.provider)) return false;
  if (!inList(f.models, log.model)) return false;
  if (!inList(f.status, log.status)) return false;
  if (!inList(f.objects, log.object)) return false;
  if (!inList(f.selectedKeyIds, log.selected_key_id)) return false;
  if (!inList(f.virtualKeyIds, log.virtual_key_id)) return false;
  if (!inList(f.routingRuleIds, log.routing_rule_id)) return false;
  if (!inList(f.teamIds, log.team_id)) return false;
  if (!inList(f.customerIds, log.customer_id)) return false;
  if (!inList(f.userIds, log.user_id)) return false;
  if (!inList(f.stopReasons, log.stop_reason)) return false;
  if (
    f.parentRequestId !== undefined &&
    log.parent_request_id !== f.parentRequestId
  )
    return false;
  // An exact request id ignores the time range.
  if (f.requestId === undefined) {
    const ts = Date.parse(log.timestamp);
    if (f.startTime !== undefined && ts < f.startTime) return false;
    if (f.endTime !== undefined && ts > f.endTime) return false;
  }
  if (
    f.minLatency !== undefined &&
    (log.latency === undefined || log.latency < f.minLatency)
  )
    return false;
  if (
    f.maxLatency !== undefined &&
    (log.latency === undefined || log.latency > f.maxLatency)
  )
    return false;
  if (f.minTokens !== undefined && tokensOf(log) < f.minTokens) return false;
  if (f.maxTokens !== undefined && tokensOf(log) > f.maxTokens) return false;
  if (
    f.minCost !== undefined &&
    (log.cost === undefined || log.cost < f.minCost)
  )
    return false;
  if (
    f.maxCost !== undefined &&
    (log.cost === undefined || log.cost > f.maxCost)
  )
    return false;
  if (f.missingCostOnly && log.cost !== undefined) return false;
  if (f.contentSearch !== undefined) {
    const hay = `${log.raw_request}\n${log.raw_response}`.toLowerCase();
    if (!hay.includes(f.contentSearch.toLowerCase())) return false;
  }
  return true;
}

function sortKey(log: BifrostLog, by: LogPagination['sortBy']): number {
  switch (by) {
    case 'latency':
      return log.latency ?? 0;
    case 'tokens':
      return tokensOf(log);
    case 'cost':
      return log.cost ?? 0;
    default:
      return Date.parse(log.timestamp);
  }
}

/** Stats over completed (success or error) requests that match the filters. */
/** Stats of the completed (success or error) logs, in one pass: every `/api/logs` page computes them over all that match. */
export function computeStats(logs: BifrostLog[]): BifrostLogsStats {
  let completed = 0;
  let success = 0;
  let withLatency = 0;
  let latency = 0;
  let totalTokens = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let cost = 0;
  for (const l of logs) {
    if (l.status !== 'success' && l.status !== 'error') continue;
    completed += 1;
    if (l.status === 'success') success += 1;
    if (l.latency !== undefined) {
      withLatency += 1;
      latency += l.latency;
    }
    totalTokens += tokensOf(l);
    promptTokens += l.token_usage?.prompt_tokens ?? 0;
    completionTokens += l.token_usage?.completion_tokens ?? 0;
    cost += l.cost ?? 0;
  }
  return {
    total_requests: completed,
    success_rate: completed === 0 ? 0 : (success / completed) * 100,
    average_latency: withLatency === 0 ? 0 : latency / withLatency,
    total_tokens: totalTokens,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_cost: cost,
  };
}

/**
 * The logs sorted by (timestamp, insertion order), parsed once and rebuilt
 * only when logs were appended, so a time-range query costs O(log n + hits)
 * instead of a parse and sort of every log (what Bifrost's indexed log store
 * does too).
 */
const timeIndexes = new WeakMap<
  BifrostLog[],
  { length: number; ts: number[]; logs: BifrostLog[] }
>();
function timeIndex(all: BifrostLog[]) {
  const cached = timeIndexes.get(all);
  if (cached && cached.length === all.length) return cached;
  const order = all.map((log, i) => ({
    log,
    i,
    ts: Date.parse(log.timestamp),
  }));
  order.sort((a, b) => a.ts - b.ts || a.i - b.i);
  const index = {
    length: all.length,
    ts: order.map(o => o.ts),
    logs: order.map(o => o.log),
  };
  timeIndexes.set(all, index);
  return index;
}
/** Forgets the time index of a log array whose rows were removed. */
export function forgetTimeIndex(all: BifrostLog[]): void {
  timeIndexes.delete(all);
}

/** Replaces a stored log (a row that completed), dropping the time index that held the old one. */
export function replaceLog(
  all: BifrostLog[],
  index: number,
  log: BifrostLog,
): BifrostLog {
  all[index] = log;
  timeIndexes.delete(all);
  return log;
}

function lowerBound(ts: number[], value: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function searchLogs(
  all: BifrostLog[],
  filters: LogFilters,
  p: LogPagination,
): BifrostLogsResponse {
  let matching: BifrostLog[];
  let sorted: BifrostLog[];
  if (p.sortBy === 'timestamp' && filters.requestId === undefined) {
    const index = timeIndex(all);
    const from =
      filters.startTime === undefined
        ? 0
        : lowerBound(index.ts, filters.startTime);
    const to =
      filters.endTime === undefined
        ? index.ts.length
        : lowerBound(index.ts, filters.endTime + 1);
    // The index already applied the time range.
    const rest: LogFilters = {
      ...filters,
      startTime: undefined,
      endTime: undefined,
    };
    const inRange = index.logs.slice(from, to);
    // Without other filters every log in the range matches.
    const filtered = Object.values(rest).some(
      v => v !== undefined && v !== false,
    );
    matching = filtered
      ? inRange.filter(l => matchesFilters(l, rest))
      : inRange;
    sorted = p.order === 'asc' ? matching : [...matching].reverse();
  } else {
    matching = all.filter(l => matchesFilters(l, filters));
    const indexed = matching.map((log, i) => ({ log, i }));
    const dir = p.order === 'asc' ? 1 : -1;
    indexed.sort((a, b) => {
      const d = sortKey(a.log, p.sortBy) - sortKey(b.log, p.sortBy);
      return d !== 0 ? d * dir : (a.i - b.i) * dir;
    });
    sorted = indexed.map(x => x.log);
  }
  // Serialised to JSON by the route right away: no copy needed.
  const page = sorted.slice(p.offset, p.offset + p.limit);
  const pagination: BifrostLogsPagination = {
    limit: p.limit,
    offset: p.offset,
    sort_by: p.sortBy,
    order: p.order,
    total_count: matching.length,
  };
  return {
    logs: page,
    pagination,
    stats: computeStats(matching),
    has_logs: all.length > 0,
  };
}

/**
 * Each stored log's JSON, UTF-8 encoded, written when the log is made: stored
 * logs never change (callers get clones), and a page of `/api/logs` is mostly
 * their JSON.
 */
const logJson = new WeakMap<BifrostLog, Buffer>();
const COMMA = Buffer.from(',');

/**
 * Completes a partial log the way the logging plugin would have written it:
 * ids, timestamps, token totals and the VK/team/customer names looked up in
 * the config store.
 */
export function normalizeLog(
  store: BifrostStore,
  partial: BifrostLogInput,
): BifrostLog {
  const timestamp = partial.timestamp ?? new Date().toISOString();
  const vk = partial.virtual_key_id
    ? store.virtualKeys.get(partial.virtual_key_id)
    : undefined;
  const teamId = partial.team_id ?? vk?.team_id ?? null;
  const team = teamId ? store.teams.get(teamId) : undefined;
  const customerId =
    partial.customer_id ?? vk?.customer_id ?? team?.customer_id ?? null;
  const customer = customerId ? store.customers.get(customerId) : undefined;
  const given = partial.token_usage;
  const usage = given
    ? {
        prompt_tokens: given.prompt_tokens ?? 0,
        completion_tokens: given.completion_tokens ?? 0,
        total_tokens:
          given.total_tokens ??
          (given.prompt_tokens ?? 0) + (given.completion_tokens ?? 0),
      }
    : undefined;
  const fields = {
    id: partial.id ?? randomUUID(),
    parent_request_id: partial.parent_request_id ?? null,
    timestamp,
    object: partial.object ?? 'chat.completion',
    provider: partial.provider ?? 'openai',
    model: partial.model ?? 'gpt-4o-mini',
    number_of_retries: partial.number_of_retries ?? 0,
    fallback_index: partial.fallback_index ?? 0,
    selected_key_id: partial.selected_key_id ?? '',
    selected_key_name: partial.selected_key_name ?? '',
    virtual_key_id: partial.virtual_key_id ?? null,
    virtual_key_name: partial.virtual_key_name ?? vk?.name ?? null,
    routing_rule_id: partial.routing_rule_id ?? null,
    routing_rule_name: partial.routing_rule_name ?? null,
    team_id: teamId,
    team_name: partial.team_name ?? team?.name ?? null,
    customer_id: customerId,
    customer_name: partial.customer_name ?? customer?.name ?? null,
    user_id: partial.user_id ?? null,
    latency: partial.latency,
    token_usage: usage,
    cost: partial.cost,
    status: partial.status ?? 'success',
    stop_reason: partial.stop_reason,
    error_details: partial.error_details,
    stream: partial.stream ?? false,
    cache_debug: partial.cache_debug,
    raw_request: partial.raw_request ?? '',
    raw_response: partial.raw_response ?? '',
    created_at: partial.created_at ?? timestamp,
  };
  // Stored as its JSON reads (undefined fields left out, as Go's omitempty
  // does) and parsed back from it, which leaves V8 a fast object (deleting
  // fields would not); the JSON is kept, encoded, for `/api/logs` pages:
  // stored logs never change (callers get clones).
  const json = JSON.stringify(fields);
  const log: BifrostLog = JSON.parse(json);
  logJson.set(log, Buffer.from(json));
  return log;
}

/**
 * `JSON.stringify(response)` as UTF-8, copied from each log's stored JSON (a
 * page is a thousand logs of about 600 bytes each: serialising and encoding
 * them on every request would cost the emulator more than the page is worth
 * to the client).
 */
export function logsResponseBody(response: BifrostLogsResponse): Buffer {
  const parts: Buffer[] = [Buffer.from('{"logs":[')];
  response.logs.forEach((log, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(logJson.get(log) ?? Buffer.from(JSON.stringify(log)));
  });
  parts.push(
    Buffer.from(
      `],"pagination":${JSON.stringify(
        response.pagination,
      )},"stats":${JSON.stringify(response.stats)},"has_logs":${JSON.stringify(
        response.has_logs,
      )}}`,
    ),
  );
  return Buffer.concat(parts);
}
