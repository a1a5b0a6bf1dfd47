/*
 * Error bodies of a backend started as production starts it
 * (NODE_ENV=production, app-config.yaml + app-config.production.yaml +
 * the Deployment's app-config.cluster.yaml, createBackend()'s real services)
 * carry no stack trace and no file path, and a JSON body over the parser's
 * limit gets 413 with a JSON error. The same check against a development
 * backend (which Backstage lets send stacks) shows that it can fail.
 */
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { spawnBackend } from './__testUtils__/spawnBackend';

jest.setTimeout(180_000);

// eslint-disable-next-line no-restricted-syntax -- the repo's config files
const root = path.resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Every `stack` key and every file path in a response body. */
function leaks(body: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      const paths = value.match(
        /(?:\/(?:home|work|app|usr|tmp|root|opt|srv)\/\S*|node_modules\S*|\S+\.[cm]?[jt]sx?:\d+)/g,
      );
      if (paths) found.push(`${at}: ${paths.join(', ')}`);
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'stack') found.push(`${at}.stack`);
        walk(v, `${at}.${key}`);
      }
    }
  };
  walk(body, 'body');
  return found;
}

async function startBackend(
  sandbox: Sandbox,
  nodeEnv: 'production' | 'development',
) {
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('base64url');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'production-errors-'));
  const override = path.join(dir, 'app-config.test.yaml');
  // JSON is YAML: the test's own database, port, key and location.
  fs.writeFileSync(
    override,
    JSON.stringify({
      app: { baseUrl: `http://127.0.0.1:${port}` },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'errors-test' } },
          ],
        },
      },
      inference: sandbox.config.inference,
      kubernetes: sandbox.config.kubernetes,
    }),
  );
  const backend = await spawnBackend({
    script: 'productionBackend.ts',
    args: [
      'app-config.yaml',
      'app-config.production.yaml',
      'infra/kubernetes/base/app-config.cluster.yaml',
      override,
    ].flatMap(file => ['--config', path.resolve(root, file)]),
    env: {
      NODE_ENV: nodeEnv,
      PRODUCTION_BACKEND_PORT: String(port),
      PORTAL_BASE_URL: `http://127.0.0.1:${port}`,
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'unused',
      AUTH_SESSION_SECRET: crypto.randomBytes(24).toString('hex'),
      OIDC_METADATA_URL: 'http://127.0.0.1:1/.well-known/openid-configuration',
      OIDC_CLIENT_ID: 'inference-portal',
      OIDC_CLIENT_SECRET: 'unused',
      PORTAL_CONTROL_API_TOKEN: crypto.randomBytes(24).toString('hex'),
      ONBOARDING_REVEAL_SECRET: crypto.randomBytes(32).toString('base64'),
    },
  });
  return {
    ...backend,
    token,
    close: () => {
      backend.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A POST whose JSON body is sent in chunks, without Content-Length, as a
 * streaming client sends it: the size is known only once it is read.
 */
function postChunked(
  url: string,
  target: string,
  token: string,
  bytes: number,
): Promise<{ status: number; type: string; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${target}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('error', reject);
    req.on('response', res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => {
        text += chunk;
      });
      res.on('end', () => {
        let body: any = {};
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the check below reports it
        }
        resolve({
          status: res.statusCode ?? 0,
          type: (res.headers['content-type'] ?? '').split(';')[0],
          text,
          body,
        });
      });
    });
    const padding = 'x'.repeat(Math.max(0, bytes - 16));
    const json = Buffer.from(JSON.stringify({ padding }));
    for (let at = 0; at < json.length; at += 16 * 1024) {
      req.write(json.subarray(at, at + 16 * 1024));
    }
    req.end();
  });
}

/** Requests that end in an error, with the status each must get. */
function errorRequests(url: string, token: string) {
  const auth = `Bearer ${token}`;
  const big = { padding: 'x'.repeat(200 * 1024) };
  return [
    {
      what: '401 without credentials',
      status: 401,
      send: () => request(url).get('/api/inference-models/models'),
    },
    {
      what: '400 for a malformed parameter',
      status: 400,
      send: () =>
        request(url)
          .get('/api/inference-models/models/local/Not%20Valid!')
          .set('authorization', auth),
    },
    {
      what: '404 for an unknown Model',
      status: 404,
      send: () =>
        request(url)
          .get('/api/inference-models/models/local/no-such-model')
          .set('authorization', auth),
    },
    {
      what: '404 for an unknown route (empty body)',
      status: 404,
      send: () =>
        request(url)
          .get('/api/inference-models/no-such-route')
          .set('authorization', auth),
    },
    {
      what: '404 for an unknown plugin (empty body)',
      status: 404,
      send: () => request(url).get('/api/no-such-plugin/x'),
    },
    {
      what: '400 for a body that is not JSON',
      status: 400,
      send: () =>
        request(url)
          .post('/api/permission/authorize')
          .set('authorization', auth)
          .set('content-type', 'application/json')
          .send('{"items": ['),
    },
    {
      what: "413 for a JSON body over the permission plugin's limit",
      status: 413,
      send: () =>
        request(url)
          .post('/api/permission/authorize')
          .set('authorization', auth)
          .send(big),
    },
    {
      what: "413 for a JSON body over an inference plugin's limit",
      status: 413,
      send: () =>
        request(url)
          .post('/api/inference-models/refresh')
          .set('authorization', auth)
          .send(big),
    },
    {
      what: "413 for a chunked JSON body (no Content-Length) over an inference plugin's limit",
      status: 413,
      send: () =>
        postChunked(url, '/api/inference-models/refresh', token, 200 * 1024),
    },
    {
      what: "413 for a chunked JSON body over the permission plugin's limit, the same error",
      status: 413,
      send: () =>
        postChunked(url, '/api/permission/authorize', token, 300 * 1024),
    },
    {
      what: '400 from the route itself for a chunked body within the limit (location missing)',
      status: 400,
      send: () =>
        postChunked(url, '/api/inference-models/refresh', token, 90 * 1024),
    },
  ];
}

describe('error bodies of a production backend', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    backend = await startBackend(sandbox, 'production');
  });
  afterAll(async () => {
    backend?.close();
    await sandbox?.close();
  });

  it('answers each error with its status, a JSON error, no stack and no file path', async () => {
    const results = [];
    for (const r of errorRequests(backend.url, backend.token)) {
      const res = await r.send();
      results.push({
        what: r.what,
        status: res.status,
        // Backstage answers unknown routes with an empty 404.
        json: r.what.includes('(empty body)')
          ? res.text === ''
          : res.type === 'application/json' && Boolean(res.body.error),
        leaks: leaks(res.body),
        // One name for every oversized body, however it was sent.
        name: r.status === 413 ? res.body?.error?.name : undefined,
      });
    }
    expect(results).toEqual(
      errorRequests(backend.url, backend.token).map(r => ({
        what: r.what,
        status: r.status,
        json: true,
        leaks: [],
        name: r.status === 413 ? 'PayloadTooLargeError' : undefined,
      })),
    );
  });

  it('would see the stack traces a development backend sends', async () => {
    const development = await startBackend(sandbox, 'development');
    try {
      const res = await request(development.url).get(
        '/api/inference-models/models',
      );
      expect(res.status).toBe(401);
      expect(leaks(res.body)).toEqual(
        expect.arrayContaining(['body.error.stack']),
      );
    } finally {
      development.close();
    }
  });
});
