import { strictQueryNumbers } from './strictQueryNumbers';

/** Runs the middleware on a request as the OpenAPI validator leaves it. */
function run(url: string, query: Record<string, unknown>) {
  const next = jest.fn();
  strictQueryNumbers()({ originalUrl: url, query } as any, {} as any, next);
  expect(next).toHaveBeenCalledTimes(1);
  const [error] = next.mock.calls[0];
  return error as Error | undefined;
}

describe('strictQueryNumbers', () => {
  it('passes finite decimals and leaves non-numeric values alone', () => {
    expect(run('/models?limit=10&offset=0', { limit: 10, offset: 0 })).toBe(
      undefined,
    );
    expect(run('/x?ratio=-2.5', { ratio: -2.5 })).toBeUndefined();
    expect(
      run('/x?location=Infinity&flag=true', {
        location: 'Infinity',
        flag: true,
      }),
    ).toBeUndefined();
    expect(run('/x', {})).toBeUndefined();
    expect(run('/x?ids=1&ids=2', { ids: [1, 2] })).toBeUndefined();
  });

  it.each([
    [
      '/models?limit=Infinity',
      { limit: Infinity },
      'limit must be a finite number',
    ],
    ['/models?limit=-Infinity', { limit: -Infinity }, 'limit must be a finite'],
    ['/models?offset=1e400', { offset: Infinity }, 'offset must be a finite'],
    ['/models?offset=NaN', { offset: NaN }, 'offset must be a finite'],
    ['/models?limit=0x10', { limit: 16 }, 'limit must be written in decimal'],
    ['/models?limit=1e2', { limit: 100 }, 'limit must be written in decimal'],
    ['/models?limit=%2010', { limit: 10 }, 'limit must be written in decimal'],
    ['/models?limit=1e21', { limit: 1e21 }, 'limit is too large'],
    ['/x?ids=1&ids=Infinity', { ids: [1, Infinity] }, 'ids must be a finite'],
  ])('refuses %s naming the parameter', (url, query, message) => {
    const error = run(url, query);
    expect(error?.name).toBe('InputError');
    expect(error?.message).toContain(`request/query/${message}`);
  });
});
