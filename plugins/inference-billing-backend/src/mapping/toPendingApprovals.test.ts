import { PENDING_LISTED, toPendingApprovals } from './toPendingApprovals';

const request = (
  id: string,
  createdAt: string,
  options: { status?: string; locations?: string[]; expiresAt?: string } = {},
) => ({
  id,
  companyName: `Company ${id}`,
  createdAt,
  expiresAt: options.expiresAt ?? '2026-12-31T00:00:00Z',
  status: (options.status ?? 'pending') as any,
  locations: options.locations ?? ['local'],
});

const now = new Date('2026-12-06T12:00:00Z');

describe('toPendingApprovals', () => {
  it("lists the location's pending requests oldest first with their age in hours", () => {
    expect(
      toPendingApprovals({
        location: 'local',
        now,
        requests: [
          request('b', '2026-12-06T09:30:00Z'),
          request('a', '2026-12-04T12:00:00Z', { locations: ['pr', 'local'] }),
          request('other-location', '2026-12-01T00:00:00Z', {
            locations: ['pr'],
          }),
          request('decided', '2026-12-01T00:00:00Z', { status: 'approved' }),
          request('expired', '2026-11-01T00:00:00Z', {
            expiresAt: '2026-12-06T11:59:59Z',
          }),
        ],
      }),
    ).toEqual({
      count: 2,
      items: [
        {
          id: 'a',
          companyName: 'Company a',
          createdAt: '2026-12-04T12:00:00Z',
          ageHours: 48,
        },
        {
          id: 'b',
          companyName: 'Company b',
          createdAt: '2026-12-06T09:30:00Z',
          ageHours: 2,
        },
      ],
    });
  });

  it('lists at most PENDING_LISTED but counts them all', () => {
    const requests = Array.from({ length: PENDING_LISTED + 2 }, (_, i) =>
      request(`r${i}`, `2026-12-0${i + 1}T00:00:00Z`),
    );
    const pending = toPendingApprovals({ location: 'local', now, requests });
    expect(pending.count).toBe(PENDING_LISTED + 2);
    expect(pending.items.map(r => r.id)).toEqual(
      requests.slice(0, PENDING_LISTED).map(r => r.id),
    );
  });
});
