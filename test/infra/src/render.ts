import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

// eslint-disable-next-line no-restricted-syntax -- tests run from src, never bundled
export const repoRoot = path.resolve(__dirname, '../../..');
export const kubernetesDir = path.join(repoRoot, 'infra/kubernetes');
export const overlaysDir = path.join(kubernetesDir, 'overlays');

/** A rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
}

export function overlayNames(): string[] {
  return fs
    .readdirSync(overlaysDir, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)
    .sort();
}

/** `kubectl kustomize <dir>` (real Kustomize), parsed. */
export function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return yaml.loadAll(out).filter(Boolean) as K8sObject[];
}

export function findObject(
  objects: K8sObject[],
  kind: string,
  name: string,
  namespace?: string,
): K8sObject {
  const found = objects.find(
    o =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) {
    throw new Error(`no ${kind} ${namespace ?? ''}/${name} in the output`);
  }
  return found;
}

/** Objects of a kind whose generated name starts with `name-` (ConfigMaps get a hash suffix). */
export function findGenerated(
  objects: K8sObject[],
  kind: string,
  name: string,
): K8sObject {
  const found = objects.filter(
    o =>
      o.kind === kind &&
      (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  }
  return found[0];
}
