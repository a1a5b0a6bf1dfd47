import { askEarly, takeEarlyAnswer } from './earlyAnswer';

describe('askEarly', () => {
  afterEach(() => jest.useRealTimers());

  it('gives the answer once, to whoever wants the same key', async () => {
    askEarly('a', 'k1', async () => 42);
    expect(takeEarlyAnswer('a', 'k2')).toBeUndefined();
    // Dropped once asked about with another key.
    expect(takeEarlyAnswer('a', 'k1')).toBeUndefined();

    askEarly('a', 'k1', async () => 43);
    const taken = takeEarlyAnswer<number>('a', 'k1');
    await expect(taken?.answer).resolves.toBe(43);
    expect(takeEarlyAnswer('a', 'k1')).toBeUndefined();
  });

  it('leaves an answer still on its way to a later taker when only a settled one is wanted', async () => {
    let answer!: (n: number) => void;
    askEarly('b', 'k', () => new Promise<number>(r => (answer = r)));
    expect(takeEarlyAnswer('b', 'k', { settledOnly: true })).toBeUndefined();
    answer(7);
    await Promise.resolve();
    expect(
      takeEarlyAnswer<number>('b', 'k', { settledOnly: true })?.value,
    ).toEqual({
      ok: 7,
    });
  });

  it('does not ask twice for the same thing, and drops an answer ten seconds old', () => {
    jest.useFakeTimers();
    const ask = jest.fn(async () => 1);
    askEarly('c', 'k', ask);
    askEarly('c', 'k', ask);
    expect(ask).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_001);
    expect(takeEarlyAnswer('c', 'k')).toBeUndefined();
  });

  it('keeps a failed answer for its taker to report, with no unhandled rejection', async () => {
    askEarly('d', 'k', async () => {
      throw new Error('HTTP 503');
    });
    await Promise.resolve();
    expect(takeEarlyAnswer('d', 'k', { settledOnly: true })).toBeUndefined();
    await expect(takeEarlyAnswer('d', 'k')?.answer).rejects.toThrow('HTTP 503');
  });
});
