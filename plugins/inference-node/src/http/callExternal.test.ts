import http from 'node:http';
import { AddressInfo } from 'node:net';
import { callExternal } from './callExternal';
import { ExternalSystemError } from '../errors';

const base = {
  location: 'stalpeni',
  system: 'bifrost' as const,
  timeoutMs: 200,
  retries: 2,
};

describe('callExternal', () => {
  it('times out a hanging call with an error naming location and system', async () => {
    const server = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const error = await callExternal(
        { ...base, operation: 'list customers' },
        signal => fetch(url, { signal }),
      ).catch(e => e);
      expect(error).toBeInstanceOf(ExternalSystemError);
      expect(error.message).toBe(
        'location stalpeni: bifrost: list customers timed out after 200 ms',
      );
      expect(error.timedOut).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('retries idempotent calls on 5xx and succeeds', async () => {
    let calls = 0;
    const result = await callExternal(
      { ...base, operation: 'get', idempotent: true },
      async () => {
        calls += 1;
        if (calls < 3) {
          throw Object.assign(new Error('boom'), { code: 503 });
        }
        return 'ok';
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry a non-idempotent call or a 4xx', async () => {
    let calls = 0;
    const fail = async () => {
      calls += 1;
      throw Object.assign(new Error('nope'), { code: 503 });
    };
    await expect(
      callExternal({ ...base, operation: 'create' }, fail),
    ).rejects.toThrow(
      'location stalpeni: bifrost: create failed: HTTP 503: nope',
    );
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      callExternal(
        { ...base, operation: 'get', idempotent: true },
        async () => {
          calls += 1;
          throw Object.assign(new Error('missing'), { code: 404 });
        },
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(calls).toBe(1);
  });
});
