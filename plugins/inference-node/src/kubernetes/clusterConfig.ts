import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Connection settings of one cluster, read from the standard
 * `kubernetes.clusterLocatorMethods[type=config].clusters[]` block so that the
 * Kubernetes plugin's tab and the inference plugins share credentials.
 */
export interface ClusterConnection {
  name: string;
  url: string;
  skipTLSVerify: boolean;
  caData?: string;
  /** Bearer token; absent when the in-cluster service account is used. */
  token?: string;
}

export function readClusterConnections(config: Config): ClusterConnection[] {
  const result: ClusterConnection[] = [];
  for (const method of config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    if (method.getString('type') !== 'config') {
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      result.push({
        name: cluster.getString('name'),
        url: cluster.getString('url'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: cluster.getOptionalString('caData'),
        token: cluster.getOptionalString('serviceAccountToken'),
      });
    }
  }
  return result;
}

/** A KubeConfig for @kubernetes/client-node from a cluster connection. */
export function kubeConfigFor(connection: ClusterConnection): KubeConfig {
  let token = connection.token;
  if (!token) {
    if (!fs.existsSync(IN_CLUSTER_TOKEN)) {
      throw new InputError(
        `kubernetes cluster '${connection.name}' has no serviceAccountToken and the portal does not run in a cluster`,
      );
    }
    token = fs.readFileSync(IN_CLUSTER_TOKEN, 'utf8').trim();
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: connection.name,
        server: connection.url,
        skipTLSVerify: connection.skipTLSVerify,
        caData: connection.caData,
      },
    ],
    users: [{ name: 'backstage', token }],
    contexts: [
      { name: connection.name, cluster: connection.name, user: 'backstage' },
    ],
    currentContext: connection.name,
  });
  return kc;
}
