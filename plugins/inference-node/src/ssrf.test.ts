/*
 * SSRF: the clients reach only the systems configured for a location. Ids
 * and names that come from users (customer ids, key ids, invoice refs,
 * partner e-mails) can never change the host, and never address another
 * path of the admin API. A recording HTTP server stands in for Bifrost and
 * Odoo; another one is the "attacker's" host and must see nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BifrostClient } from './bifrost/BifrostClient';
import { OdooClient } from './odoo/OdooClient';
import type { InferenceLocation } from './locations/types';

type Seen = Array<{ method: string; url: string }>;

async function recorder(
  answer: (req: http.IncomingMessage, body: string) => unknown,
): Promise<{ url: string; seen: Seen; close(): Promise<void> }> {
  const seen: Seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url! });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer(req, body)));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise(r => server.close(() => r())),
  };
}

const HOSTILE = [
  '//evil.example.com/x',
  'http://evil.example.com/x',
  '../../../etc/passwd',
  '..%2F..%2Fadmin',
  'a/../../api/logs',
  'x?y=1#z',
  '@evil.example.com',
  '\\\\evil.example.com\\x',
  'id\r\nHost: evil.example.com',
];

describe('external systems are reached only through configured locations', () => {
  let gateway: Awaited<ReturnType<typeof recorder>>;
  let evil: Awaited<ReturnType<typeof recorder>>;
  let location: InferenceLocation;

  beforeAll(async () => {
    evil = await recorder(() => ({}));
    gateway = await recorder((req, body) => {
      if (req.url?.startsWith('/jsonrpc') || req.url?.startsWith('/json/2')) {
        const params = body ? JSON.parse(body) : {};
        return { jsonrpc: '2.0', id: params.id ?? null, result: [] };
      }
      return {
        customer: { id: 'c' },
        customers: [],
        virtual_key: { id: 'k', value: 'v' },
        virtual_keys: [],
      };
    });
    location = {
      name: 'local',
      title: 'Local',
      domain: 'local.test',
      countryCode: 'RO',
      cluster: 'local',
      kubeaiNamespace: 'kubeai',
      bifrost: { baseUrl: gateway.url },
      odoo: {
        url: gateway.url,
        database: 'db',
        username: 'u',
        apiKey: 'k',
        protocol: 'json2',
      },
      billing: { currency: 'EUR', invoiceDay: 2 },
      servers: [],
      network: {},
    };
  });
  afterAll(async () => {
    await gateway.close();
    await evil.close();
  });

  it('Bifrost: hostile ids stay on the configured host, encoded, or are refused', async () => {
    const bifrost = new BifrostClient(location, {
      timeoutMs: 2000,
      retries: 0,
    });
    const outcome = (call: () => Promise<unknown>) =>
      call().then(
        () => 'sent',
        (e: Error) => e.message,
      );
    const calls = (id: string) => [
      () => bifrost.getCustomer(id),
      () => bifrost.getVirtualKey(id),
      () => bifrost.getVirtualKeyValue(id),
      () => bifrost.updateCustomer(id, {} as any),
      () =>
        bifrost.updateVirtualKey(
          { id, team_id: null, customer_id: null } as any,
          {},
        ),
    ];
    const outcomes: string[] = [];
    for (const id of [...HOSTILE, '..', '.', '']) {
      for (const call of calls(id)) {
        outcomes.push(await outcome(call));
      }
    }
    const refused = outcomes.filter(o =>
      /id: '\.{0,2}' is not a valid id/.test(o),
    );
    // '', '.' and '..' are refused by every call, before any request.
    expect(refused).toHaveLength(15);
    expect(evil.seen).toEqual([]);
    expect(gateway.seen.length).toBe(HOSTILE.length * 5);
    for (const { url } of gateway.seen) {
      // One encoded segment under the governance API: no other path.
      expect(url).toMatch(
        /^\/api\/governance\/(customers|virtual-keys)\/[^/?#]+$/,
      );
    }
  });

  it('Odoo: refs, names and e-mails travel in the JSON body, never in the URL', async () => {
    gateway.seen.length = 0;
    const odoo = new OdooClient(location, { timeoutMs: 2000, retries: 0 });
    for (const value of HOSTILE) {
      await odoo.findInvoicesByRef(value).catch(() => undefined);
      await odoo
        .findPartner({ email: value, vat: value, ref: value })
        .catch(() => undefined);
    }
    expect(evil.seen).toEqual([]);
    expect(gateway.seen.length).toBeGreaterThan(0);
    for (const { url } of gateway.seen) {
      expect(url).toMatch(
        /^\/(json\/2\/[a-z_.]+\/[a-z_]+|jsonrpc|web\/version)$/,
      );
    }
  });
});

describe('network egress of the backend plugins', () => {
  it('happens only in the reviewed clients (a new call site fails this test until reviewed)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('node:path') as typeof import('node:path');
    const plugins = path.resolve(__dirname, '../..');
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!['node_modules', '__testUtils__', 'dist'].includes(entry.name)) {
            walk(file);
          }
        } else if (
          /\.tsx?$/.test(entry.name) &&
          !/\.test\.tsx?$/.test(entry.name)
        ) {
          const text = fs.readFileSync(file, 'utf8');
          // Raw network APIs (Kubernetes goes through @kubernetes/client-node
          // with the configured clusters, SSH through ssh2 to configured servers).
          if (
            /(^|[^.\w])(?<!(async|function) )fetch\(|\bhttps?\.(request|get)\(|\bnet\.connect\(|from 'undici'|from 'axios'/m.test(
              text,
            )
          ) {
            found.add(path.relative(plugins, file));
          }
        }
      }
    };
    // Backend code only: frontend plugins call through Backstage's fetchApi.
    for (const plugin of fs.readdirSync(plugins)) {
      const manifest = path.join(plugins, plugin, 'package.json');
      const src = path.join(plugins, plugin, 'src');
      if (!fs.existsSync(manifest) || !fs.existsSync(src)) continue;
      const role = JSON.parse(fs.readFileSync(manifest, 'utf8')).backstage
        ?.role as string;
      if (/^(backend-plugin|backend-plugin-module|node-library)$/.test(role)) {
        walk(src);
      }
    }
    expect([...found].sort()).toEqual(
      [
        // Bifrost admin API: the location's configured bifrost.baseUrl + fixed paths.
        'inference-node/src/bifrost/BifrostClient.ts',
        // Odoo: the location's configured odoo.url + fixed paths.
        'inference-node/src/odoo/OdooRpc.ts',
        // Other plugins' APIs (modules to plugins), located by Backstage's discovery.
        'inference-node/src/http/PluginApiCaller.ts',
      ].sort(),
    );
  });
});
