import { ConfigReader } from '@backstage/config';
import { readInferenceLocations } from '../locations/readLocations';
import { publicUrlProblem, specialHostReason } from './publicUrl';

const repo = (url: string, allowedHosts?: string[]) =>
  publicUrlProblem(url, {
    schemes: ['https', 'oci'],
    insecureSchemes: ['http'],
    allowedHosts,
  });

describe('publicUrlProblem', () => {
  it.each([
    'https://kubernetes.github.io/ingress-nginx',
    'https://charts.jetstack.io',
    'oci://ghcr.io/org/charts',
    'https://8.8.8.8/charts',
    'https://1.1.1.1:8443/charts',
    'https://[2606:4700:4700::1111]/charts',
  ])('accepts %s', url => {
    expect(repo(url)).toBeUndefined();
  });

  it.each([
    ['http://charts.example.com', /^must be a https or oci URL \(http only/],
    ['ftp://charts.example.com', /^must be a https or oci URL$/],
    ['charts.example.com/x', /^must be a https or oci URL$/],
    ['https://user:pw@charts.example.com', /credentials/],
    ['https://169.254.169.254/latest', /169\.254\.169\.254 is a loopback/],
    ['https://127.0.0.1', /loopback/],
    ['https://0.0.0.0', /loopback/],
    ['https://10.2.3.4', /private/],
    ['https://172.31.255.255', /private/],
    ['https://192.168.0.1', /private/],
    ['https://100.100.100.200', /reserved/],
    ['https://224.0.0.1', /reserved/],
    ['https://255.255.255.255', /reserved/],
    ['https://2852039166/x', /must be written as a dotted-decimal/],
    ['https://0xa9fea9fe/x', /dotted-decimal/],
    ['https://0xA9.254.169.254/x', /dotted-decimal/],
    ['https://0251.0376.0251.0376/x', /dotted-decimal/],
    ['https://127.1/x', /dotted-decimal/],
    ['https://127.0.0.1./x', /dotted-decimal/],
    ['oci://2852039166/x', /dotted-decimal/],
    ['https://[::1]/x', /loopback/],
    ['https://[::]/x', /loopback/],
    ['https://[fe80::1]/x', /link-local/],
    ['https://[fd00::1]/x', /private/],
    ['https://[::ffff:169.254.169.254]/x', /reserved/],
    ['https://[::ffff:a9fe:a9fe]/x', /reserved/],
    ['https://[64:ff9b::a9fe:a9fe]/x', /reserved/],
    ['https://localhost/x', /not a fully qualified/],
    ['https://LOCALHOST./x', /not a fully qualified/],
    ['https://a.localhost/x', /local or cluster-internal/],
    ['https://kubernetes.default.svc/x', /cluster-internal/],
    ['https://x.y.svc.cluster.local/x', /cluster-internal/],
    ['https://metadata.google.internal/x', /cluster-internal/],
    ['https://printer.local/x', /cluster-internal/],
    ['https://router.home.arpa/x', /cluster-internal/],
  ])('refuses %s', (url, message) => {
    expect(repo(url)).toMatch(message);
  });

  it('accepts allow-listed internal hosts exactly, http included', () => {
    const allowed = ['192.168.1.50', 'Charts.Internal', 'fd00::5'];
    expect(repo('http://192.168.1.50:8080/charts', allowed)).toBeUndefined();
    expect(repo('https://charts.internal/x', allowed)).toBeUndefined();
    expect(repo('oci://[fd00::5]/x', allowed)).toBeUndefined();
    expect(repo('https://192.168.1.51/x', allowed)).toMatch(/private/);
    // Only the canonical spelling of an allow-listed address.
    expect(repo('https://3232235826/x', allowed)).toMatch(/dotted-decimal/);
    expect(repo('ftp://192.168.1.50/x', allowed)).toMatch(/^must be/);
  });

  it('specialHostReason accepts public names and addresses', () => {
    expect(specialHostReason('kubernetes.github.io')).toBeUndefined();
    expect(specialHostReason('9.9.9.9')).toBeUndefined();
    expect(specialHostReason('[2001:4860:4860::8888]')).toBeUndefined();
  });
});

describe('inference.locations[].helm.allowedRepositoryHosts', () => {
  const location = {
    name: 'pr',
    domain: 'pr.example.com',
    countryCode: 'PR',
    cluster: 'pr',
    bifrost: { baseUrl: 'https://gw.pr.example.com' },
  };
  const read = (extra: object) =>
    readInferenceLocations(
      new ConfigReader({
        inference: { locations: [{ ...location, ...extra }] },
      }),
    );

  it('defaults to no hosts and reads host names and addresses', () => {
    expect(read({})[0].helm).toEqual({ allowedRepositoryHosts: [] });
    expect(
      read({
        helm: {
          allowedRepositoryHosts: ['192.168.1.50', 'charts.lan', 'fd00::5'],
        },
      })[0].helm,
    ).toEqual({
      allowedRepositoryHosts: ['192.168.1.50', 'charts.lan', 'fd00::5'],
    });
  });

  it('refuses anything else, naming the key', () => {
    expect(() =>
      read({ helm: { allowedRepositoryHosts: ['http://x.example.com'] } }),
    ).toThrow(
      'inference.locations[0].helm.allowedRepositoryHosts[0]: must be a host name or an IP address',
    );
    expect(() => read({ helm: { other: true } })).toThrow(
      'inference.locations[0].helm',
    );
  });
});
