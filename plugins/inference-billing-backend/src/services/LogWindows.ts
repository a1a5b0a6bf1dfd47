import type {
  BifrostLogEntry,
  BifrostLogPage,
} from '@internal/backstage-plugin-inference-node';

/** One `/api/logs` request: logs with from <= timestamp <= to (open-ended without `to`). */
export interface LogWindow {
  from: number;
  to?: number;
  offset: number;
}

/**
 * Plans the `/api/logs` requests of one ingestion as time windows holding
 * about one page each, instead of paging the whole range with a growing
 * offset: Bifrost counts (`total_count`, `stats`) and sorts everything that
 * matches on every request, so offset paging over a month of logs costs
 * O(n) per page and O(n^2) per run, while a window of about one page costs
 * little beyond its own rows.
 *
 * - A window is sized from the density seen so far (the time span the last
 *   full page covered), grows after sparse windows and is open-ended once it
 *   reaches the present, so the last request always sees the newest logs.
 * - A window holding more than a page gives its first page (oldest first);
 *   the logs before the last timestamp of that page are taken and the next
 *   window starts at that timestamp, so logs sharing it are never split.
 * - Only when a whole page shares one millisecond does it page with offsets
 *   through that millisecond.
 * - Consecutive windows share their boundary instant (Bifrost's bounds are
 *   inclusive); logs already taken there are skipped, and the ledger ignores
 *   request ids it has anyway.
 *
 * Pure apart from the clock.
 */
export class LogWindows {
  private span: number | undefined;
  private boundary = new Set<string>();

  constructor(
    private readonly start: number,
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  first(): LogWindow {
    return { from: this.start, offset: 0 };
  }

  private window(from: number): LogWindow {
    if (this.span === undefined) return { from, offset: 0 };
    const to = from + this.span;
    return to >= this.now() ? { from, offset: 0 } : { from, to, offset: 0 };
  }

  /** The logs of a page to ingest, and the window to ask for next (none when done). */
  advance(
    window: LogWindow,
    page: BifrostLogPage,
  ): { logs: BifrostLogEntry[]; next?: LogWindow } {
    const fresh = (log: BifrostLogEntry) => !this.boundary.has(log.id);
    const times = page.logs.map(log => Date.parse(log.timestamp));
    const complete = window.offset + page.logs.length >= page.totalCount;

    if (
      window.offset > 0 ||
      (!complete && times.length > 0 && times[times.length - 1] <= window.from)
    ) {
      // More than a page in one millisecond: offsets through [from, from + 1ms].
      const to = window.from + 1;
      if (window.offset === 0 && window.to !== to) {
        return { logs: [], next: { from: window.from, to, offset: 0 } };
      }
      const logs = page.logs.filter(fresh);
      if (!complete && page.logs.length > 0) {
        return {
          logs,
          next: { ...window, offset: window.offset + page.logs.length },
        };
      }
      this.boundary = new Set(
        page.logs.filter((_, i) => times[i] >= to).map(l => l.id),
      );
      return { logs, next: this.window(to) };
    }

    if (complete) {
      const logs = page.logs.filter(fresh);
      if (window.to === undefined) return { logs };
      const to = window.to;
      this.boundary = new Set(
        page.logs.filter((_, i) => times[i] >= to).map(l => l.id),
      );
      const span = to - window.from;
      const fill = page.logs.length / this.limit;
      this.span = Math.max(
        1,
        Math.round(
          span * Math.min(8, Math.max(0.5, 0.8 / Math.max(fill, 0.1))),
        ),
      );
      return { logs, next: this.window(to) };
    }

    // More than a page in the window: take the logs before the page's last
    // timestamp, start the next window there.
    const lastTime = times[times.length - 1];
    const logs = page.logs.filter(
      (log, i) => times[i] < lastTime && fresh(log),
    );
    this.boundary = new Set();
    this.span = Math.max(1, lastTime - Math.max(window.from, times[0]));
    return { logs, next: this.window(lastTime) };
  }
}
