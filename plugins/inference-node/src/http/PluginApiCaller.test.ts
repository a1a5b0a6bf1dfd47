import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginApiCaller } from './PluginApiCaller';

describe('PluginApiCaller', () => {
  let server: http.Server;
  let seen: { method?: string; url?: string; auth?: string; body: string }[];
  let reply: { status: number; body: string };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          body,
        });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(() => {
    seen = [];
    reply = { status: 200, body: '{"ok":true}' };
  });

  const caller = (timeoutMs?: number) => {
    const { port } = server.address() as AddressInfo;
    return new PluginApiCaller({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
      },
      pluginId: 'inference-models',
      timeoutMs,
    });
  };

  it('calls the plugin through discovery with a plugin request token and a JSON body', async () => {
    await expect(
      caller().request({ method: 'POST', path: '/x?a=1', body: { n: 1 } }),
    ).resolves.toEqual({ ok: true });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/inference-models/x?a=1',
        auth: expect.stringMatching(/^Bearer .+/),
        body: '{"n":1}',
      },
    ]);
  });

  it.each([
    [400, 'InputError'],
    [403, 'NotAllowedError'],
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
  ])('turns a %s into %s with the plugin message', async (status, name) => {
    reply = { status, body: '{"error":{"name":"X","message":"bad field"}}' };
    await expect(
      caller().request({ method: 'GET', path: '/y' }),
    ).rejects.toMatchObject({ name, message: 'bad field' });
  });

  it('names the plugin and the call on any other status', async () => {
    reply = { status: 502, body: 'upstream down' };
    await expect(
      caller().request({ method: 'GET', path: '/models?location=pr' }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'inference-models GET /models answered 502: upstream down',
    });
  });

  it('names the plugin when it cannot be reached', async () => {
    const unreachable = new PluginApiCaller({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => 'http://127.0.0.1:1/api/x',
        getExternalBaseUrl: async () => 'http://127.0.0.1:1/api/x',
      },
      pluginId: 'inference-billing',
    });
    await expect(
      unreachable.request({ method: 'GET', path: '/customers' }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^inference-billing GET \/customers failed/,
      ),
    });
  });
});
