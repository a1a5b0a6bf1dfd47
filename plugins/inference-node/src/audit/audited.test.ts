import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import { audited } from './audited';

function recordingAuditor() {
  const events: Array<{
    options: AuditorServiceCreateEventOptions;
    outcome?: {
      status: 'succeeded' | 'failed';
      meta?: unknown;
      error?: string;
    };
  }> = [];
  const auditor: AuditorService = {
    async createEvent(options) {
      const entry: (typeof events)[number] = { options };
      events.push(entry);
      return {
        async success(o) {
          entry.outcome = { status: 'succeeded', meta: o?.meta };
        },
        async fail(o) {
          entry.outcome = { status: 'failed', error: o.error.message };
        },
      };
    },
  };
  return { auditor, events };
}

describe('audited', () => {
  const request = { headers: {} } as any;

  it('opens the event before the work and records success with the result meta', async () => {
    const { auditor, events } = recordingAuditor();
    const result = await audited(
      {
        auditor,
        eventId: 'key-reveal',
        severityLevel: 'medium',
        request,
        meta: { revealId: 'r1' },
        resultMeta: (r: { requestId: string }) => ({ requestId: r.requestId }),
      },
      async () => {
        // Initiated before the work ran, with no outcome yet.
        expect(events.map(e => e.outcome)).toEqual([undefined]);
        return { requestId: 'q1', secret: 'sk-never-audited' };
      },
    );
    expect(result.requestId).toBe('q1');
    expect(events).toEqual([
      {
        options: {
          eventId: 'key-reveal',
          severityLevel: 'medium',
          request,
          meta: { revealId: 'r1' },
        },
        outcome: { status: 'succeeded', meta: { requestId: 'q1' } },
      },
    ]);
    expect(JSON.stringify(events[0].outcome)).not.toContain('sk-never');
  });

  it('records the failure and passes the error on', async () => {
    const { auditor, events } = recordingAuditor();
    await expect(
      audited({ auditor, eventId: 'budget-update' }, async () => {
        throw new Error('location local: bifrost: timed out');
      }),
    ).rejects.toThrow('location local: bifrost: timed out');
    expect(events.map(e => [e.options.eventId, e.outcome])).toEqual([
      [
        'budget-update',
        { status: 'failed', error: 'location local: bifrost: timed out' },
      ],
    ]);
  });

  it('fails the event for a result that reports its failure, and returns it', async () => {
    const { auditor, events } = recordingAuditor();
    const run = { state: 'failed', error: 'acme-2026-11: no partner' };
    await expect(
      audited(
        {
          auditor,
          eventId: 'invoice-run',
          resultMeta: r => ({ state: r.state }),
          failure: r => (r.error ? new Error(r.error) : undefined),
        },
        async () => run,
      ),
    ).resolves.toBe(run);
    expect(events[0].outcome).toEqual({
      status: 'failed',
      error: 'acme-2026-11: no partner',
    });
  });

  it('runs the work without an auditor', async () => {
    await expect(
      audited({ auditor: undefined, eventId: 'x' }, async () => 7),
    ).resolves.toBe(7);
  });

  it('a failing resultMeta is not recorded as a failed action', async () => {
    const { auditor, events } = recordingAuditor();
    await expect(
      audited(
        {
          auditor,
          eventId: 'x',
          resultMeta: () => {
            throw new Error('bad meta');
          },
        },
        async () => 1,
      ),
    ).rejects.toThrow('bad meta');
    expect(events[0].outcome).toBeUndefined();
  });
});
