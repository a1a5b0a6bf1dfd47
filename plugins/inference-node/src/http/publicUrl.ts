import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * Addresses a URL given by a user must not point at: whatever fetches it
 * (K3s's helm-controller, inside the cluster) would reach the node's
 * loopback, the cloud metadata service, the LAN or cluster-internal
 * services instead of the public Internet.
 */
const SPECIAL_IPV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT, also Tailscale-style overlays
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  SPECIAL_IPV4.addSubnet(network, prefix, 'ipv4');
}
// A list of its own: Node checks IPv4 addresses against IPv6 rules as
// IPv4-mapped addresses, so ::ffff:0:0/96 would match every IPv4 address.
const SPECIAL_IPV6 = new BlockList();
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped
  ['64:ff9b::', 96], // NAT64, embeds an IPv4 address
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4, embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  SPECIAL_IPV6.addSubnet(network, prefix, 'ipv6');
}

/** Names that resolve to the machine itself or inside a LAN or cluster. */
const INTERNAL_SUFFIXES = [
  'localhost',
  'local',
  'internal',
  'intranet',
  'lan',
  'home',
  'corp',
  'home.arpa',
  'svc',
  'cluster.local',
  'localdomain',
];

/**
 * Why `hostname` (as `URL.hostname` gives it: lower case, IPv6 in brackets)
 * is not a public Internet host, or undefined when it is one.
 */
export function specialHostReason(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const family = isIP(host);
  if (family !== 0) {
    const special =
      family === 4
        ? SPECIAL_IPV4.check(host, 'ipv4')
        : SPECIAL_IPV6.check(host, 'ipv6');
    return special
      ? `${host} is a loopback, link-local, private or reserved address`
      : undefined;
  }
  if (!host.includes('.')) {
    // Single labels resolve through the cluster's search domains.
    return `${host} is not a fully qualified public host name`;
  }
  if (
    INTERNAL_SUFFIXES.some(
      suffix => host === suffix || host.endsWith(`.${suffix}`),
    )
  ) {
    return `${host} is a local or cluster-internal host name`;
  }
  return undefined;
}

/** The host as written between `//` and the port, path, query or fragment. */
function writtenHost(raw: string): string {
  const authority = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const end = authority.search(/[/?#]/);
  const hostPort = end === -1 ? authority : authority.slice(0, end);
  const host = hostPort.startsWith('[')
    ? hostPort.slice(0, hostPort.indexOf(']') + 1)
    : hostPort.replace(/:[0-9]*$/, '');
  return host.toLowerCase();
}

/**
 * Checks a URL that a user supplies and something else will fetch: only the
 * given schemes (without ':'), no credentials, and a public host, unless the
 * host is one of `allowedHosts` (where `insecureSchemes` are allowed too).
 * Returns why the URL is refused, or undefined when it is acceptable.
 */
export function publicUrlProblem(
  raw: string,
  options: {
    schemes: string[];
    /** Schemes accepted only for allow-listed hosts, e.g. `http`. */
    insecureSchemes?: string[];
    /** Host names or IP addresses trusted although internal. */
    allowedHosts?: string[];
  },
): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  const insecure = options.insecureSchemes ?? [];
  if (!scheme || ![...options.schemes, ...insecure].includes(scheme)) {
    return `must be a ${[...options.schemes].join(' or ')} URL`;
  }
  let url: URL;
  try {
    // Parsed as https so that IPv4 in decimal, hex or octal form and other
    // WHATWG host normalisations apply to every scheme (oci:// is opaque).
    url = new URL(`https://${raw.slice(scheme.length + 3)}`);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password) {
    return 'must not contain credentials';
  }
  const host = url.hostname.replace(/\.$/, '');
  const written = writtenHost(raw);
  if (isIPv4(host) && written !== host) {
    // `2852039166`, `0xa9fea9fe`, `127.1`, `127.0.0.1.`: fetchers disagree
    // on what these mean, so only the dotted-decimal form is accepted.
    return `host ${written} must be written as a dotted-decimal IPv4 address`;
  }
  const allowed = (options.allowedHosts ?? []).some(
    h =>
      h.toLowerCase().replace(/^\[|\]$/g, '') === host.replace(/^\[|\]$/g, ''),
  );
  if (allowed) return undefined;
  if (!options.schemes.includes(scheme)) {
    return `must be a ${options.schemes.join(
      ' or ',
    )} URL (${scheme} only for hosts the location allow-lists)`;
  }
  const reason = specialHostReason(host);
  return reason
    ? `${reason}; allow-list the host in the location's config to use it`
    : undefined;
}
