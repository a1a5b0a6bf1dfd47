import { mockServices } from '@backstage/backend-test-utils';
import { collatorSchedule, collatorTaskRunner } from './collatorTaskRunner';

describe('collatorSchedule', () => {
  const scheduleOf = (data: object) =>
    collatorSchedule(mockServices.rootConfig({ data }));

  it("is local with Lunr's in-memory index (SQLite), so each start builds it", () => {
    expect(
      scheduleOf({ backend: { database: { client: 'better-sqlite3' } } }),
    ).toEqual({
      frequency: { minutes: 10 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 10 },
      scope: 'local',
    });
    expect(scheduleOf({}).scope).toBe('local');
  });

  it("is global with PostgreSQL's shared index, the search plugin's own database first", () => {
    expect(scheduleOf({ backend: { database: { client: 'pg' } } }).scope).toBe(
      'global',
    );
    expect(
      scheduleOf({
        backend: {
          database: {
            client: 'pg',
            plugin: { search: { client: 'better-sqlite3' } },
          },
        },
      }).scope,
    ).toBe('local');
  });

  it('creates the runner with that schedule', () => {
    const scheduler = mockServices.scheduler.mock();
    collatorTaskRunner(
      scheduler,
      mockServices.rootConfig({
        data: { backend: { database: { client: 'pg' } } },
      }),
    );
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith(
      expect.objectContaining({ scope: 'global' }),
    );
  });
});
