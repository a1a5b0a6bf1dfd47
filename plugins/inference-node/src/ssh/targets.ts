import { InputError } from '@backstage/errors';
import type { InferenceLocation, LocationServer } from '../locations/types';
import type { SshTarget } from './SshConnector';

/** Default SSH handshake timeout when the location sets none. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The SSH user of a server: its own, the location's, else root. */
export function sshUserOf(
  location: InferenceLocation,
  server: LocationServer,
): string {
  return server.sshUser ?? location.ssh?.user ?? 'root';
}

const ARMORED =
  /^\s*-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\s]+)-----END \1-----\s*$/;

/**
 * A private key as pasted into a single-line secret field (browsers drop the
 * newlines) made parseable again: the base64 body re-wrapped into lines.
 * Keys with headers (encrypted PEM) are returned as they are.
 */
export function normalizePrivateKey(key: string): string {
  const match = ARMORED.exec(key);
  if (!match || key.includes('\n')) return key;
  const body = match[2].replace(/\s+/g, '');
  const width = match[1] === 'OPENSSH PRIVATE KEY' ? 70 : 64;
  const lines = body.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return [
    `-----BEGIN ${match[1]}-----`,
    ...lines,
    `-----END ${match[1]}-----`,
    '',
  ].join('\n');
}

/**
 * Everything needed to reach a server over SSH. The key comes from the
 * location's config, else from `secretKey` (a scaffolder secret). Throws an
 * InputError naming the missing setting; never includes the key in messages.
 */
export function sshTargetFor(
  location: InferenceLocation,
  server: LocationServer,
  secretKey?: string,
): SshTarget {
  const privateKey = location.ssh?.privateKey ?? secretKey;
  if (!privateKey) {
    throw new InputError(
      `location ${location.name}: no SSH private key: set inference.locations[].ssh.privateKey or pass the sshPrivateKey secret`,
    );
  }
  if (!server.hostKeySha256) {
    throw new InputError(
      `location ${location.name}: server ${server.name} has no hostKeySha256 configured: SSH connections are only made to pinned host keys`,
    );
  }
  return {
    location: location.name,
    server: server.name,
    host: server.address,
    port: server.sshPort,
    username: sshUserOf(location, server),
    privateKey: normalizePrivateKey(privateKey),
    passphrase: location.ssh?.passphrase,
    hostKeySha256: server.hostKeySha256,
    connectTimeoutMs: location.ssh?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  };
}
