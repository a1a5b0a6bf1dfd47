import { ConfigReader } from '@backstage/config';
import {
  readExternalCallSettings,
  readInferenceLocations,
} from './readLocations';

const location = {
  name: 'stalpeni',
  title: 'Stalpeni (RO)',
  domain: 'stalpeni.inferencebros.com',
  countryCode: 'RO',
  cluster: 'stalpeni',
  bifrost: { baseUrl: 'https://bifrost.stalpeni.inferencebros.com' },
  odoo: {
    url: 'https://inferencebros.odoo.com',
    database: 'inferencebros',
    username: 'api@inferencebros.com',
    apiKey: 'odoo-secret',
  },
  servers: [
    { name: 'node1', address: '192.168.1.10', roles: ['server', 'gpu'] },
  ],
  network: { kubeVip: '192.168.1.252', ingressIp: '192.168.1.240' },
};

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'stalpeni',
          url: 'https://k3s:6443',
          authProvider: 'serviceAccount',
        },
      ],
    },
  ],
};

function read(locations: unknown[], extra: object = { kubernetes }) {
  return readInferenceLocations(
    new ConfigReader({ inference: { locations }, ...extra } as any),
  );
}

describe('readInferenceLocations', () => {
  it('applies defaults to a valid location', () => {
    const [l] = read([location]);
    expect(l.kubeaiNamespace).toBe('kubeai');
    expect(l.billing).toEqual({ currency: 'EUR', invoiceDay: 2 });
    expect(l.odoo?.protocol).toBe('jsonrpc');
    expect(l.servers[0]).toEqual({
      name: 'node1',
      address: '192.168.1.10',
      sshPort: 22,
      roles: ['server', 'gpu'],
    });
  });

  it('reads SSH settings: per-server user and pinned host key, per-location key', () => {
    const hostKeySha256 = `SHA256:${'x'.repeat(42)}Y`;
    const [l] = read([
      {
        ...location,
        servers: [
          {
            name: 'node1',
            address: '192.168.1.10',
            sshUser: 'debian',
            hostKeySha256,
          },
        ],
        ssh: { privateKey: 'key-material' },
      },
    ]);
    expect(l.servers[0]).toMatchObject({ sshUser: 'debian', hostKeySha256 });
    expect(l.ssh).toEqual({
      user: 'root',
      privateKey: 'key-material',
      connectTimeoutMs: 10_000,
    });
  });

  it('returns no locations when the key is absent', () => {
    expect(readInferenceLocations(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [{ ...location, name: 'Bad_Name' }, 'inference.locations[0].name'],
    [{ ...location, bifrost: {} }, 'inference.locations[0].bifrost.baseUrl'],
    [
      { ...location, bifrost: { baseUrl: 'ftp://x' } },
      'inference.locations[0].bifrost.baseUrl',
    ],
    [
      { ...location, countryCode: 'Romania' },
      'inference.locations[0].countryCode',
    ],
    [
      { ...location, billing: { invoiceDay: 31 } },
      'inference.locations[0].billing.invoiceDay',
    ],
    [
      { ...location, servers: [{ name: 'n1', address: 'not an address!' }] },
      'inference.locations[0].servers[0].address',
    ],
    [
      { ...location, odoo: { ...location.odoo, protocol: 'xmlrpc' } },
      'inference.locations[0].odoo.protocol',
    ],
    [{ ...location, colour: 'blue' }, 'inference.locations[0]'],
    [
      {
        ...location,
        servers: [{ name: 'n1', address: '10.0.0.1', sshUser: 'root; id' }],
      },
      'inference.locations[0].servers[0].sshUser',
    ],
    [
      {
        ...location,
        servers: [{ name: 'n1', address: '10.0.0.1', hostKeySha256: 'md5:aa' }],
      },
      'inference.locations[0].servers[0].hostKeySha256',
    ],
    [
      { ...location, ssh: { user: '$(id)' } },
      'inference.locations[0].ssh.user',
    ],
  ])('names the key of a bad value (%#)', (bad, key) => {
    expect(() => read([bad])).toThrow(key);
  });

  it('rejects a duplicate location name', () => {
    expect(() => read([location, location])).toThrow(
      "inference.locations[1].name: 'stalpeni' is already used by inference.locations[0]",
    );
  });

  it('rejects a cluster that is not configured for the Kubernetes plugin', () => {
    expect(() => read([{ ...location, cluster: 'elsewhere' }])).toThrow(
      "inference.locations[0].cluster: no cluster named 'elsewhere'",
    );
  });

  it('does not check clusters that only a dynamic locator knows', () => {
    expect(
      read([{ ...location, cluster: 'elsewhere' }], {
        kubernetes: { clusterLocatorMethods: [{ type: 'catalog' }] },
      }),
    ).toHaveLength(1);
  });
});

describe('readExternalCallSettings', () => {
  it('defaults and validates', () => {
    expect(readExternalCallSettings(new ConfigReader({}))).toEqual({
      timeoutMs: 10000,
      retries: 2,
    });
    expect(() =>
      readExternalCallSettings(
        new ConfigReader({ inference: { http: { timeoutMs: 0 } } }),
      ),
    ).toThrow('inference.http.timeoutMs');
  });
});
