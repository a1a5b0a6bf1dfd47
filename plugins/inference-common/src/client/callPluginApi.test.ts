import { callPluginApi, fillPath, toQueryString } from './callPluginApi';

describe('callPluginApi', () => {
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://backend/api/${id}`,
  };

  it('fills and encodes path parameters, and refuses a missing one', () => {
    expect(
      fillPath('/models/{location}/{name}', { location: 'pr', name: 'a/b c' }),
    ).toBe('/models/pr/a%2Fb%20c');
    expect(() =>
      fillPath('/models/{location}/{name}', { location: 'pr' }),
    ).toThrow('path parameter name is missing');
  });

  it('writes the query without undefined values, repeating arrays', () => {
    expect(toQueryString({ a: 1, b: undefined, c: ['x', 'y'], d: 'é&' })).toBe(
      '?a=1&c=x&c=y&d=%C3%A9%26',
    );
    expect(toQueryString({})).toBe('');
  });

  it('sends JSON with the token and returns the parsed body', async () => {
    const fetchMock = jest.fn(
      async (_url: string, _init?: RequestInit) =>
        new Response('{"items":[1]}', { status: 200 }),
    );
    await expect(
      callPluginApi(
        { discoveryApi, fetchApi: { fetch: fetchMock as typeof fetch } },
        {
          pluginId: 'inference-billing',
          method: 'PATCH',
          path: '/customers/{location}/{id}',
          params: {
            path: { location: 'local', id: 'c1' },
            query: { dryRun: true },
            body: { name: 'Acme' },
          },
          options: { token: 't0k' },
        },
      ),
    ).resolves.toEqual({ items: [1] });
    expect(fetchMock).toHaveBeenCalledWith(
      'http://backend/api/inference-billing/customers/local/c1?dryRun=true',
      expect.objectContaining({
        method: 'PATCH',
        body: '{"name":"Acme"}',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer t0k',
        },
      }),
    );
  });

  it("throws Backstage's ResponseError carrying the plugin's error", async () => {
    const fetchMock = async () =>
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'limit: must be <= 1000' },
          request: { method: 'GET', url: '/models' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      );
    await expect(
      callPluginApi(
        { discoveryApi, fetchApi: { fetch: fetchMock as typeof fetch } },
        { pluginId: 'inference-models', method: 'GET', path: '/models' },
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      body: {
        error: { name: 'InputError', message: 'limit: must be <= 1000' },
      },
    });
  });

  it('returns undefined for an empty body', async () => {
    const fetchMock = async () => new Response(null, { status: 204 });
    await expect(
      callPluginApi(
        { discoveryApi, fetchApi: { fetch: fetchMock as typeof fetch } },
        { pluginId: 'x', method: 'POST', path: '/y' },
      ),
    ).resolves.toBeUndefined();
  });
});
