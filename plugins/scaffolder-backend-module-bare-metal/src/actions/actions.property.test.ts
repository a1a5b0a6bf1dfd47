/*
 * Property-based: 1,000 generated inputs per baremetal scaffolder action.
 * Each input goes through what the scaffolder does (JSON-schema validation of
 * the step input, then the handler). The outcome is success, a validation or
 * 4xx error, or a clear error of the external system naming the location:
 * never an unhandled exception. A rejected input changes nothing: the
 * Kubernetes emulator's Nodes and HelmCharts are as before, no SSH command ran.
 * Prints the counts.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import {
  recordTestFigures,
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import fc from 'fast-check';
import { validate, type Schema } from 'jsonschema';
import type { SshConnector } from '@internal/backstage-plugin-inference-node';
import { createHelmInstallAction } from './helmInstall';
import { createK3sInstallAction } from './k3sInstall';
import { createNodeCordonAction } from './nodeCordon';
import { createNodeUncordonAction } from './nodeUncordon';

jest.setTimeout(300_000);

const RUNS = 1000;
const NODES = ['node1', 'node2', 'node3'];

const METACHARACTERS = [
  '; touch /tmp/pwned',
  '$(touch /tmp/pwned)',
  '`touch /tmp/pwned`',
  '| touch /tmp/pwned',
  '&& touch /tmp/pwned',
  'node1\ntouch /tmp/pwned',
  "node1' ; touch /tmp/pwned ; '",
  'node1" ; touch /tmp/pwned ; "',
];

/** Mostly plausible values, sometimes garbage of any type, or absent. */
function field<T>(valid: fc.Arbitrary<T>, weight = 20): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight, arbitrary: valid },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom(...METACHARACTERS) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
    },
  );
}

function record(fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc
    .record(fields)
    .map(
      r =>
        Object.fromEntries(
          Object.entries(r).filter(([, v]) => v !== undefined),
        ) as JsonObject,
    );
}

const location = field(fc.constantFrom('local', 'local', 'nowhere'));
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);

const inputs = {
  cordon: record({
    location,
    node: field(fc.constantFrom(...NODES, 'node9')),
  }),
  helm: record({
    location: field(fc.constantFrom('local', 'local', 'nowhere'), 60),
    name: field(fc.oneof(fc.constantFrom('kubeai', 'metallb'), dnsLabel), 60),
    repo: field(
      fc.constantFrom(
        'https://www.kubeai.org',
        'oci://registry.example.com/charts',
        'ftp://nope.example.com',
      ),
      60,
    ),
    chart: field(fc.constantFrom('kubeai', 'ingress-nginx', 'missing'), 60),
    version: field(fc.constantFrom('1.2.3', '~1.2', 'v0.22.1', 'latest'), 60),
    targetNamespace: field(fc.oneof(fc.constant('kubeai'), dnsLabel), 60),
    valuesYaml: field(
      fc.constantFrom('a: 1\n', 'plain string', '[1, 2]', 'a: [', ''),
      60,
    ),
    createNamespace: field(fc.boolean(), 60),
    wait: field(fc.boolean(), 60),
    timeoutSeconds: field(fc.constantFrom(10, 30, 5, 4000), 60),
  }),
  k3s: record({
    location: field(fc.constantFrom('local', 'local', 'nowhere'), 60),
    server: field(fc.constantFrom(...NODES, 'node9'), 60),
    role: field(
      fc.constantFrom('first-server', 'server', 'agent', 'master'),
      60,
    ),
    firstServer: field(fc.constantFrom(...NODES), 60),
    version: field(fc.constantFrom('v1.33.5+k3s1', 'v1.31.2+k3s2', '1.33'), 60),
    channel: field(fc.constantFrom('stable', 'latest', 'v1.33', 'edge'), 60),
    airGapped: field(fc.boolean(), 60),
  }),
};

/** Records SSH use; answers like a node where K3s is not installed yet. */
class RecordingConnector implements SshConnector {
  connects = 0;
  commands: string[] = [];
  async connect() {
    this.connects++;
    let installed = false;
    return {
      exec: async (command: string) => {
        this.commands.push(command);
        if (command.includes('--version')) {
          return {
            code: 0,
            stdout: installed
              ? 'k3s version v1.33.5+k3s1 (fake)\n'
              : 'NOT-INSTALLED\n',
            stderr: '',
          };
        }
        if (command.includes('node-token')) {
          return { code: 0, stdout: 'K10abcdef::server:pw\n', stderr: '' };
        }
        installed = true;
        return { code: 0, stdout: '[INFO] ok\n', stderr: '' };
      },
      upload: async () => {},
      mkdir: async () => {},
      close: () => {},
    };
  }
}

type Outcome = 'schema' | 'rejected' | 'success' | 'external';

function classify(error: unknown): Outcome {
  const e = error as { name?: string; status?: number; message?: string };
  if (
    [
      'InputError',
      'NotFoundError',
      'ConflictError',
      'NotAllowedError',
    ].includes(e?.name ?? '') ||
    (e?.name === 'ExternalSystemError' &&
      e.status !== undefined &&
      e.status >= 400 &&
      e.status < 500)
  ) {
    return 'rejected';
  }
  if (
    typeof e?.message === 'string' &&
    e.message.startsWith('location local: ')
  ) {
    return 'external';
  }
  throw error;
}

describe('baremetal actions: 1,000 generated inputs each', () => {
  let kube: KubernetesEmulator;
  let config: ConfigReader;

  beforeAll(async () => {
    kube = await startKubernetesEmulator({
      token: 'property-token',
      controller: { helmJobDelayMs: 0, modelReadyDelayMs: 0 },
    });
    kube.seed(
      NODES.map(name => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name } },
        spec: {},
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      })),
    );
    config = new ConfigReader({
      inference: {
        locations: [
          {
            name: 'local',
            domain: 'local.example.com',
            countryCode: 'RO',
            cluster: 'local',
            bifrost: { baseUrl: 'http://127.0.0.1:1' },
            servers: NODES.map((name, i) => ({
              name,
              address: `192.168.1.${10 + i}`,
              roles: i === 2 ? ['agent'] : ['server'],
              hostKeySha256: `SHA256:${'A'.repeat(43)}`,
            })),
            ssh: { privateKey: 'not-a-real-key' },
            network: { kubeVip: '192.168.1.252' },
          },
        ],
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: kube.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'property-token',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    });
  });
  afterAll(() => kube?.close());

  /** Nodes' cordon state and every HelmChart's spec. */
  const snapshot = () =>
    JSON.stringify({
      nodes: kube
        .list<any>('v1', 'Node')
        .map(n => [n.metadata.name, n.spec?.unschedulable ?? false]),
      charts: kube
        .list<any>('helm.cattle.io/v1', 'HelmChart')
        .map(c => [c.metadata.name, c.spec]),
    });

  const permissions = () => {
    const p = mockServices.permissions.mock();
    p.authorize.mockResolvedValue([{ result: AuthorizeResult.ALLOW }]);
    return p;
  };

  async function check(
    name: string,
    action: {
      schema?: { input?: unknown };
      handler: (ctx: any) => Promise<void>;
    },
    arbitrary: fc.Arbitrary<JsonObject>,
    ssh?: RecordingConnector,
  ) {
    const counts: Record<Outcome, number> = {
      schema: 0,
      rejected: 0,
      success: 0,
      external: 0,
    };
    await fc.assert(
      fc.asyncProperty(arbitrary, fc.boolean(), async (input, isDryRun) => {
        const before = snapshot();
        const commands = ssh?.commands.length ?? 0;
        const { errors } = validate(input, action.schema!.input as Schema);
        let outcome: Outcome = 'schema';
        if (errors.length === 0) {
          const ctx = {
            ...createMockActionContext({ input }),
            isDryRun,
            getInitiatorCredentials: async () => mockCredentials.user(),
          };
          try {
            await action.handler(ctx);
            outcome = 'success';
          } catch (e) {
            outcome = classify(e);
          }
        }
        counts[outcome]++;
        if (outcome === 'schema' || outcome === 'rejected' || isDryRun) {
          expect(snapshot()).toBe(before);
          expect(ssh?.commands.length ?? 0).toBe(commands);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    recordTestFigures(
      `${name}: ${RUNS} inputs: ${counts.schema} rejected by the schema, ${counts.rejected} rejected by the action (4xx), ${counts.success} succeeded, ${counts.external} failed in the external system with a clear error; 0 unhandled`,
    );
    expect(
      counts.schema + counts.rejected + counts.success + counts.external,
    ).toBe(RUNS);
    return counts;
  }

  it('baremetal:node:cordon and uncordon', async () => {
    const locations = ConfigInferenceLocationsService.fromConfig(config);
    const options = { locations, permissions: permissions() };
    const cordon = createNodeCordonAction(options);
    const uncordon = createNodeUncordonAction(options);
    for (const [name, action] of [
      ['baremetal:node:cordon', cordon],
      ['baremetal:node:uncordon', uncordon],
    ] as const) {
      const counts = await check(name, action, inputs.cordon);
      expect(counts.success).toBeGreaterThan(0);
      expect(counts.schema).toBeGreaterThan(0);
    }
  });

  it('baremetal:helm:install', async () => {
    const action = createHelmInstallAction({
      locations: ConfigInferenceLocationsService.fromConfig(config),
      permissions: permissions(),
      pollIntervalMs: 5,
    });
    const counts = await check('baremetal:helm:install', action, inputs.helm);
    expect(counts.success).toBeGreaterThan(0);
    expect(counts.schema).toBeGreaterThan(0);
  });

  it('baremetal:k3s:install', async () => {
    const ssh = new RecordingConnector();
    const action = createK3sInstallAction({
      locations: ConfigInferenceLocationsService.fromConfig(config),
      permissions: permissions(),
      connector: ssh,
      settings: {
        installScriptUrl: 'https://get.k3s.io',
        commandTimeoutMs: 1000,
      },
    });
    const counts = await check(
      'baremetal:k3s:install',
      action,
      inputs.k3s,
      ssh,
    );
    expect(counts.success).toBeGreaterThan(0);
    expect(counts.schema).toBeGreaterThan(0);
    // no metacharacter ever reached a command unquoted
    for (const command of ssh.commands) {
      expect(command).not.toContain('touch /tmp/pwned');
    }
  });
});
