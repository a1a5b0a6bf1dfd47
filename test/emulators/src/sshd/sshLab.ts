/*
 * A location whose servers are local sshd instances (see ./sshd.ts): the
 * tests of the SSH client, the SSH facts and the K3s install run against
 * real OpenSSH servers, one per node.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateKey, startSshd, type TestSshd } from './sshd';

export interface SshLab {
  dir: string;
  clientKey: string;
  nodes: Record<string, TestSshd>;
  close(): Promise<void>;
}

/** Starts one sshd per node name, all accepting one client key. */
export async function startSshLab(
  dir: string,
  names: string[],
): Promise<SshLab> {
  const clientKey = generateKey(path.join(dir, 'client_key'));
  const nodes: Record<string, TestSshd> = {};
  for (const name of names) {
    nodes[name] = await startSshd({
      dir,
      name,
      authorizedKey: `${clientKey}.pub`,
    });
  }
  return {
    dir,
    clientKey: fs.readFileSync(clientKey, 'utf8'),
    nodes,
    close: async () => {
      await Promise.all(Object.values(nodes).map(n => n.close()));
    },
  };
}

/** The `inference` config of a location `lab` whose servers are the lab's sshd instances. */
export function labLocationConfig(
  lab: { nodes: Record<string, TestSshd> },
  options: {
    roles: Record<string, Array<'server' | 'agent' | 'gpu'>>;
    kubeVip?: string;
    privateKey?: string;
    hostKeys?: Record<string, string>;
  },
) {
  return {
    inference: {
      locations: [
        {
          name: 'lab',
          domain: 'lab.example.com',
          countryCode: 'RO',
          cluster: 'lab',
          bifrost: { baseUrl: 'http://127.0.0.1:1' },
          servers: Object.entries(lab.nodes).map(([name, node]) => ({
            name,
            address: '127.0.0.1',
            sshPort: node.port,
            roles: options.roles[name] ?? ['server'],
            sshUser: node.user,
            hostKeySha256: options.hostKeys?.[name] ?? node.hostKeySha256,
          })),
          ...(options.privateKey
            ? { ssh: { privateKey: options.privateKey } }
            : {}),
          network: options.kubeVip ? { kubeVip: options.kubeVip } : {},
        },
      ],
    },
  };
}
