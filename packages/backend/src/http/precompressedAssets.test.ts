import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import request from 'supertest';
import {
  CACHE_CONTROL_MAX_CACHE,
  CACHE_CONTROL_REVALIDATE_CACHE,
  precompressedAssets,
} from './precompressedAssets';
import { createPortalRootHttpRouterServiceFactory } from './rootHttpRouter';

const SCRIPT = `window.text = ${JSON.stringify('x'.repeat(5000))};\n`;

/** A response's status, headers and body bytes as sent (not decoded). */
async function rawGet(
  target: express.Express | string,
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}> {
  let server: http.Server | undefined;
  let base = target as string;
  if (typeof target !== 'string') {
    server = http.createServer(target);
    await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  try {
    return await new Promise((resolve, reject) => {
      http
        .request(`${base}${url}`, { method, headers }, res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        })
        .on('error', reject)
        .end();
    });
  } finally {
    server?.close();
  }
}

describe('precompressedAssets', () => {
  let dir: string;
  let app: express.Express;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'static-'));
    fs.writeFileSync(path.join(dir, 'main.abc123.js'), SCRIPT);
    fs.writeFileSync(path.join(dir, 'logo.png'), 'not really a png');
    fs.writeFileSync(path.join(dir, 'main.abc123.js.map'), '{"version":3}');
    fs.mkdirSync(path.join(dir, 'fonts'));
    fs.writeFileSync(
      path.join(dir, 'fonts', 'a.css'),
      'a{color:red}'.repeat(200),
    );
    app = express();
    app.use(
      '/static',
      precompressedAssets({ dir, logger: mockServices.logger.mock() }),
    );
    // Stands for the app backend, which serves what the middleware leaves.
    app.use((req, res) => {
      res.status(299).send(`fallback ${req.originalUrl}`);
    });
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves a script as brotli, compressed once, with the app backend cache headers', async () => {
    const res = await rawGet(app, '/static/main.abc123.js', {
      'accept-encoding': 'gzip, deflate, br, zstd',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe(
      'application/javascript; charset=utf-8',
    );
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['cache-control']).toBe(CACHE_CONTROL_MAX_CACHE);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
  });

  it('serves gzip to a client without brotli, and a nested file', async () => {
    const res = await rawGet(app, '/static/fonts/a.css', {
      'accept-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(zlib.gunzipSync(res.body).toString()).toBe(
      'a{color:red}'.repeat(200),
    );
  });

  it('answers a request with a matching ETag with 304 and no body', async () => {
    const first = await request(app)
      .get('/static/main.abc123.js')
      .set('accept-encoding', 'br');
    const again = await request(app)
      .get('/static/main.abc123.js')
      .set('accept-encoding', 'br')
      .set('if-none-match', first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    // Another encoding is another representation.
    const gz = await request(app)
      .get('/static/main.abc123.js')
      .set('accept-encoding', 'gzip')
      .set('if-none-match', first.headers.etag);
    expect(gz.status).toBe(200);
  });

  it('answers HEAD with the headers only', async () => {
    const res = await rawGet(
      app,
      '/static/main.abc123.js',
      { 'accept-encoding': 'br' },
      'HEAD',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it('compresses a file once per encoding, and again when it changes', async () => {
    const spy = jest.spyOn(zlib, 'brotliCompress');
    try {
      const get = () =>
        rawGet(app, '/static/main.abc123.js', { 'accept-encoding': 'br' });
      const [a, b] = await Promise.all([get(), get()]);
      const c = await get();
      expect(spy).toHaveBeenCalledTimes(1);
      expect(b.body.equals(a.body) && c.body.equals(a.body)).toBe(true);
      const file = path.join(dir, 'main.abc123.js');
      fs.writeFileSync(file, `${SCRIPT}// rebuilt\n`);
      const later = new Date(Date.now() + 5000);
      fs.utimesSync(file, later, later);
      await get();
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('serves the new content once a file changes on disk', async () => {
    const file = path.join(dir, 'main.abc123.js');
    await request(app)
      .get('/static/main.abc123.js')
      .set('accept-encoding', 'br');
    fs.writeFileSync(file, 'window.rebuilt = true;');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const res = await rawGet(app, '/static/main.abc123.js', {
      'accept-encoding': 'br',
    });
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(
      'window.rebuilt = true;',
    );
  });

  it.each([
    ['no compression accepted', '/static/main.abc123.js', 'identity'],
    ['a file that is not there', '/static/gone.js', 'br'],
    ['a type that does not compress', '/static/logo.png', 'br'],
    ['a source map', '/static/main.abc123.js.map', 'br'],
    ['a path out of the directory', '/static/..%2f..%2fetc%2fpasswd.js', 'br'],
    ['a malformed path', '/static/%E0%A4%A.js', 'br'],
  ])('leaves %s to the app backend', async (_, url, encoding) => {
    const res = await request(app).get(url).set('accept-encoding', encoding);
    expect(res.status).toBe(299);
    expect(res.text).toBe(`fallback ${url}`);
  });

  it('serves the script the app backend rewrites with the runtime config to be revalidated, and the one it leaves for good', async () => {
    fs.writeFileSync(
      path.join(dir, 'config.js'),
      'window.c=/*__APP_INJECTED_CONFIG_MARKER__*/"{}"/*__INJECTED_END__*/;',
    );
    // With the config in index.html, the placeholder stays in the script.
    fs.writeFileSync(
      path.join(dir, 'loader.js'),
      'window.c="__APP_INJECTED_RUNTIME_CONFIG__";',
    );
    const injected = await rawGet(app, '/static/config.js', {
      'accept-encoding': 'br',
    });
    expect(injected.status).toBe(200);
    expect(injected.headers['cache-control']).toBe(
      CACHE_CONTROL_REVALIDATE_CACHE,
    );
    expect(zlib.brotliDecompressSync(injected.body).toString()).toContain(
      '__APP_INJECTED_CONFIG_MARKER__',
    );
    const loader = await rawGet(app, '/static/loader.js', {
      'accept-encoding': 'br',
    });
    expect(loader.headers['cache-control']).toBe(CACHE_CONTROL_MAX_CACHE);
  });

  it('leaves POST and other methods to the app backend', async () => {
    const res = await request(app)
      .post('/static/main.abc123.js')
      .set('accept-encoding', 'br');
    expect(res.status).toBe(299);
  });
});

describe('the portal root router', () => {
  it('serves the app static files compressed once, with the security headers of every other response', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'static-'));
    fs.writeFileSync(path.join(dir, 'main.abc123.js'), SCRIPT);
    // The real root router listens where config says: a free port.
    const port = await new Promise<number>(resolve => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    // Backstage's own backend (startTestBackend brings its own root router).
    const backend = createBackend();
    backend.add(createPortalRootHttpRouterServiceFactory({ staticDir: dir }));
    backend.add(
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: `http://127.0.0.1:${port}`,
            listen: { host: '127.0.0.1', port },
          },
        },
      }),
    );
    backend.add(mockServices.rootLogger.factory());
    await backend.start();
    try {
      const res = await rawGet(
        `http://127.0.0.1:${port}`,
        '/static/main.abc123.js',
        { 'accept-encoding': 'gzip, br' },
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      // Helmet's headers, as on every response of the defaults.
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // Not compressed a second time by the root compression middleware.
      expect(zlib.brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
      // Everything else still goes through the defaults (here: a 404).
      const other = await rawGet(
        `http://127.0.0.1:${port}`,
        '/static/gone.js',
        {
          'accept-encoding': 'br',
        },
      );
      expect(other.status).toBe(404);
    } finally {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
