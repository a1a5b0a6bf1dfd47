/* Helpers the simulated controllers share. */
import { KubeObject, getPath, isObj } from './json';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `k8sutils.PodHash`-like: FNV-32a of the spec, encoded like rand.SafeEncodeString. */
export function podHash(v: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(v)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)]
    .map(c => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length])
    .join('');
}

export function nodeIP(n: KubeObject | undefined): string {
  const addrs = getPath(n, ['status', 'addresses']);
  const ip = Array.isArray(addrs)
    ? addrs.find(a => isObj(a) && a.type === 'InternalIP')
    : undefined;
  return isObj(ip) ? String(ip.address) : '10.0.0.10';
}

export function ownerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
