/*
 * Kubernetes API server emulator (K3s flavour) serving core/v1, batch/v1,
 * KubeAI's `kubeai.org/v1` Models (validated against the real CRD, CEL rules
 * included) and k3s `helm.cattle.io/v1` HelmCharts, with watches, selectors,
 * pagination, all PATCH flavours, real `Status` errors and simulated
 * controllers. Works with `@kubernetes/client-node` unchanged.
 *
 * See /work/shared/reference/external-apis.md section 2.
 */
import yaml from 'js-yaml';
import { RunningEmulator, startEmulatorServer } from '../shared/server';
import { KubeApi } from './api';
import { ControllerOptions, SimulatedControllers } from './controllers';
import { SelfSignedCert, selfSignedCert } from './tls';
import { mountKubernetesApi } from './http';
import {
  KubeObject,
  clone,
  isObj,
  meta,
  nowIso,
  randomHex,
  sortedKeys,
  uuid,
} from './json';
import { ResourceRegistry, resourceKey } from './resources';
import { applyDefaults, dropNulls, prune } from './schema';
import { ObjectStore } from './store';

export type { KubeObject, ObjectMeta, OwnerReference } from './json';
export type { Status, StatusCause, StatusDetails, FieldError } from './errors';
export type { ControllerOptions } from './controllers';
export type { ResourceDef } from './resources';
export type { StoreEvent, WatchEventType } from './store';
export type { Scale } from './api';
export { KubeApi } from './api';
export { ObjectStore } from './store';
export { ResourceRegistry } from './resources';
export { SimulatedControllers } from './controllers';

export interface KubernetesEmulatorOptions {
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** Bearer token required on every request (default: random, see `.token`). */
  token?: string;
  /** Simulated controllers; `false` turns them off (objects then never change by themselves). */
  controller?: ControllerOptions | false;
  /** Watch events kept for resumption by resourceVersion (default 10000); older ones get 410. */
  watchHistorySize?: number;
  /** Interval of BOOKMARK events for watches with allowWatchBookmarks (default 60000). */
  bookmarkIntervalMs?: number;
  /** Duration of watches without timeoutSeconds (default 1800). */
  defaultWatchTimeoutSeconds?: number;
  /** Objects to seed before serving (see `seed`). */
  seed?: object[];
  /**
   * Also serve HTTPS on a second port with a throw-away self-signed
   * certificate (needs the openssl CLI): kubectl sends its bearer token only
   * over TLS. See `tlsUrl` and `kubectlConfigYaml`. `'if-available'`
   * serves plain HTTP only when openssl is missing.
   */
  tls?: boolean | 'if-available';
}

/** Shape accepted by `KubeConfig.loadFromOptions` of @kubernetes/client-node. */
export interface KubeconfigOptions {
  clusters: { name: string; server: string; skipTLSVerify: boolean }[];
  users: { name: string; token: string }[];
  contexts: {
    name: string;
    cluster: string;
    user: string;
    namespace?: string;
  }[];
  currentContext: string;
}

export interface ListFilter {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface KubernetesEmulator extends RunningEmulator {
  /** The bearer token clients must send. */
  token: string;
  /** Raw object storage (global resourceVersion, event history, `compact()`). */
  store: ObjectStore;
  /** The API semantics (create/update/patch/delete/list/watch) without HTTP. */
  api: KubeApi;
  registry: ResourceRegistry;
  /** The simulated controllers, unless disabled. */
  controllers?: SimulatedControllers;
  /**
   * Stores full manifests as-is (status included), creating missing
   * namespaces, filling uid/creationTimestamp/generation and CRD defaults.
   * Existing objects with the same name are replaced. Returns what was stored.
   */
  seed(objects: object[]): KubeObject[];
  get<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined;
  list<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    filter?: ListFilter,
  ): T[];
  /** Deletes through the API (finalizers and garbage collection apply). Returns false if absent. */
  delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): boolean;
  /** Sets what `GET .../pods/<name>/log` returns. */
  setPodLog(namespace: string, name: string, text: string): void;
  /** For `new KubeConfig().loadFromOptions(emulator.kubeconfig())`. */
  kubeconfig(namespace?: string): KubeconfigOptions;
  /** A kubeconfig file's content. */
  kubeconfigYaml(namespace?: string): string;
  /** With `tls`: the HTTPS endpoint, e.g. `https://127.0.0.1:39124`. */
  tlsUrl?: string;
  /** With `tls`: a kubeconfig for kubectl on the HTTPS endpoint, trusting the emulator's certificate. */
  kubectlConfigYaml(namespace?: string): string;
  /** Polls `probe` (sync or async) every 10 ms until it returns a truthy value (default timeout 5 s). */
  waitFor<T>(
    probe: () =>
      | T
      | undefined
      | null
      | false
      | Promise<T | undefined | null | false>,
    timeoutMs?: number,
  ): Promise<T>;
}

const INITIAL_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

export async function startKubernetesEmulator(
  options: KubernetesEmulatorOptions = {},
): Promise<KubernetesEmulator> {
  const token = options.token ?? randomHex(40);
  const registry = new ResourceRegistry();
  let tlsCert: SelfSignedCert | undefined;
  try {
    tlsCert = options.tls ? selfSignedCert() : undefined;
  } catch (e) {
    if (options.tls !== 'if-available') {
      throw new Error(
        `kubernetes emulator: no certificate for { tls: true } (is the openssl CLI installed?): ${
          (e as Error).message
        }`,
      );
    }
  }
  const store = new ObjectStore({ historyLimit: options.watchHistorySize });
  const api = new KubeApi(store, registry);
  let address = '127.0.0.1';

  const server = await startEmulatorServer(
    app =>
      mountKubernetesApi(
        app,
        api,
        {
          token,
          bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60000,
          defaultWatchTimeoutSeconds:
            options.defaultWatchTimeoutSeconds ?? 1800,
        },
        () => address,
      ),
    { port: options.port, tls: tlsCert },
  );
  address = `127.0.0.1:${server.port}`;

  // CRDs are visible as objects, Established.
  const crdRes = registry.mustByKind(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
  );
  for (const crd of registry.crds) {
    const o = clone(crd);
    const m = meta(o);
    m.uid = uuid();
    m.creationTimestamp = nowIso();
    m.generation = 1;
    o.status = {
      acceptedNames: clone((o.spec as Record<string, unknown>).names),
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: m.creationTimestamp,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: m.creationTimestamp,
        },
      ],
      storedVersions: ['v1'],
    };
    store.write(resourceKey(crdRes), o);
  }

  let controllers: SimulatedControllers | undefined;

  const seedOne = (input: object): KubeObject => {
    if (
      !isObj(input) ||
      typeof input.apiVersion !== 'string' ||
      typeof input.kind !== 'string'
    ) {
      throw new Error(
        'kubernetes emulator seed: every object needs apiVersion and kind',
      );
    }
    const r = registry.mustByKind(input.apiVersion, input.kind);
    const obj = clone(input) as KubeObject;
    const m = meta(obj);
    if (!m.name) {
      throw new Error(
        `kubernetes emulator seed: ${input.kind} without metadata.name`,
      );
    }
    if (r.namespaced) {
      m.namespace ??= 'default';
      if (!store.has('/namespaces', undefined, m.namespace)) {
        seedOne({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: m.namespace },
        });
      }
    } else {
      delete m.namespace;
    }
    const existing = store.get(resourceKey(r), m.namespace, m.name);
    m.uid ??= existing?.metadata.uid ?? uuid();
    m.creationTimestamp ??= existing?.metadata.creationTimestamp ?? nowIso();
    if (r.hasGeneration) {
      m.generation ??= existing?.metadata.generation ?? 1;
    }
    delete m.resourceVersion;
    if (r.custom && r.schema) {
      dropNulls(obj, r.schema);
      applyDefaults(obj, r.schema);
      prune(obj, r.schema);
    } else {
      r.defaults?.(obj);
      if (r.kind === 'Namespace') {
        obj.spec ??= { finalizers: ['kubernetes'] };
        obj.status ??= { phase: 'Active' };
      }
    }
    const stored = store.write(
      resourceKey(r),
      r.custom ? sortedKeys(obj) : obj,
    );
    controllers?.noteSeeded(stored);
    return stored;
  };
  const seed = (objects: object[]) => objects.map(seedOne);

  seed(
    INITIAL_NAMESPACES.map(name => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    })),
  );
  const initial = options.seed ? seed(options.seed) : [];
  if (options.controller !== false) {
    controllers = new SimulatedControllers(api, options.controller ?? {});
    for (const o of initial) {
      controllers.noteSeeded(o);
    }
  }

  const kubeconfig = (namespace = 'default'): KubeconfigOptions => ({
    clusters: [{ name: 'emulator', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'emulator', token }],
    contexts: [
      { name: 'emulator', cluster: 'emulator', user: 'emulator', namespace },
    ],
    currentContext: 'emulator',
  });

  return {
    ...server,
    token,
    store,
    api,
    registry,
    controllers,
    seed,
    get<T extends KubeObject = KubeObject>(
      apiVersion: string,
      kind: string,
      namespace: string | undefined,
      name: string,
    ) {
      const r = registry.mustByKind(apiVersion, kind);
      return store.get(
        resourceKey(r),
        r.namespaced ? namespace ?? 'default' : undefined,
        name,
      ) as T | undefined;
    },
    list<T extends KubeObject = KubeObject>(
      apiVersion: string,
      kind: string,
      filter: ListFilter = {},
    ) {
      const r = registry.mustByKind(apiVersion, kind);
      return api.list(r, filter).items as T[];
    },
    delete(apiVersion, kind, namespace, name) {
      const r = registry.mustByKind(apiVersion, kind);
      if (
        !store.has(
          resourceKey(r),
          r.namespaced ? namespace ?? 'default' : undefined,
          name,
        )
      ) {
        return false;
      }
      api.delete(r, r.namespaced ? namespace ?? 'default' : undefined, name);
      return true;
    },
    setPodLog(namespace, name, text) {
      api.podLogs.set(`${namespace}/${name}`, text);
    },
    kubeconfig,
    tlsUrl: server.tlsUrl,
    kubectlConfigYaml(namespace = 'default') {
      if (!server.tlsUrl || !tlsCert) {
        throw new Error(
          'kubernetes emulator: kubectlConfigYaml needs the emulator started with { tls: true }',
        );
      }
      return yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'emulator',
            cluster: {
              server: server.tlsUrl,
              'certificate-authority-data': Buffer.from(tlsCert.cert).toString(
                'base64',
              ),
            },
          },
        ],
        users: [{ name: 'emulator', user: { token } }],
        contexts: [
          {
            name: 'emulator',
            context: { cluster: 'emulator', user: 'emulator', namespace },
          },
        ],
        'current-context': 'emulator',
      });
    },
    kubeconfigYaml(namespace = 'default') {
      return yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'emulator',
            cluster: { server: server.url, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'emulator', user: { token } }],
        contexts: [
          {
            name: 'emulator',
            context: { cluster: 'emulator', user: 'emulator', namespace },
          },
        ],
        'current-context': 'emulator',
      });
    },
    async waitFor<T>(
      probe: () =>
        | T
        | undefined
        | null
        | false
        | Promise<T | undefined | null | false>,
      timeoutMs = 5000,
    ): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await probe();
        if (v) {
          return v;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `kubernetes emulator waitFor: timed out after ${timeoutMs} ms`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    },
    async close() {
      controllers?.close();
      await server.close();
    },
  };
}
