import type { BifrostLogEntry } from '@internal/backstage-plugin-inference-node';
import { LogWindows, type LogWindow } from './LogWindows';

/** A fake `/api/logs` over a fixed set of logs, with Bifrost's inclusive bounds. */
function fakeBifrost(times: number[]) {
  const logs: BifrostLogEntry[] = times.map((t, i) => ({
    id: `r${i}`,
    timestamp: new Date(t).toISOString(),
    provider: 'kubeai',
    model: 'm',
    status: 'success',
  }));
  const requests: LogWindow[] = [];
  return {
    requests,
    listLogs(w: LogWindow, limit: number) {
      requests.push(w);
      const matching = logs
        .filter(
          l =>
            Date.parse(l.timestamp) >= w.from &&
            (w.to === undefined || Date.parse(l.timestamp) <= w.to),
        )
        .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      return {
        logs: matching.slice(w.offset, w.offset + limit),
        totalCount: matching.length,
      };
    },
  };
}

function drain(times: number[], limit: number, start = 0, now = 10_000_000) {
  const bifrost = fakeBifrost(times);
  const windows = new LogWindows(start, limit, () => now);
  const taken: string[] = [];
  let window: LogWindow | undefined = windows.first();
  while (window) {
    expect(bifrost.requests.length).toBeLessThan(10_000);
    const { logs, next } = windows.advance(
      window,
      bifrost.listLogs(window, limit),
    );
    taken.push(...logs.map(l => l.id));
    window = next;
  }
  return { taken, requests: bifrost.requests };
}

describe('LogWindows', () => {
  it('takes every log exactly once, in about one request per page', () => {
    const times = Array.from(
      { length: 10_000 },
      (_, i) => 1_000_000 + i * 300 + (i % 7),
    );
    const { taken, requests } = drain(times, 100);
    expect(taken).toHaveLength(10_000);
    expect(new Set(taken).size).toBe(10_000);
    expect(requests.length).toBeLessThan(170);
    // Only the first request and the one reaching the present are open-ended.
    expect(requests.filter(r => r.to === undefined).length).toBeLessThanOrEqual(
      2,
    );
  });

  it('copes with bursts, gaps, shared timestamps and a whole page in one millisecond', () => {
    const times = [
      ...Array.from({ length: 50 }, (_, i) => 2_000_000 + i),
      ...Array.from({ length: 250 }, () => 2_500_000), // more than a page at one instant
      ...Array.from({ length: 30 }, () => 2_500_001),
      ...Array.from({ length: 500 }, (_, i) => 2_600_000 + Math.floor(i / 3)),
      ...Array.from({ length: 20 }, (_, i) => 9_000_000 + i * 1000),
    ];
    const { taken } = drain(times, 100);
    expect(taken.sort()).toEqual(times.map((_, i) => `r${i}`).sort());
  });

  it('needs one request when everything fits in a page', () => {
    const { taken, requests } = drain([5, 6, 7], 100);
    expect(taken).toEqual(['r0', 'r1', 'r2']);
    expect(requests).toEqual([{ from: 0, offset: 0 }]);
  });
});
