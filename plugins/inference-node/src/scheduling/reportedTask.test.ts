import { mockServices } from '@backstage/backend-test-utils';
import { reportedTask } from './reportedTask';

describe('reportedTask', () => {
  it('logs the failure naming what failed, and rethrows it for the scheduler', async () => {
    const logger = mockServices.logger.mock();
    const boom = new Error('HTTP 503 from bifrost');
    const task = reportedTask({
      logger,
      what: 'usage ingestion of location pr',
      fn: async () => {
        throw boom;
      },
    });
    await expect(task()).rejects.toBe(boom);
    expect(logger.error).toHaveBeenCalledWith(
      'usage ingestion of location pr failed: HTTP 503 from bifrost',
    );
  });

  it('passes a success through without logging', async () => {
    const logger = mockServices.logger.mock();
    const fn = jest.fn(async () => 3);
    await expect(
      reportedTask({ logger, what: 'x', fn })(),
    ).resolves.toBeUndefined();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
