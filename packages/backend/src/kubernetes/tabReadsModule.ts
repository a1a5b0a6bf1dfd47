/*
 * The Kubernetes tab's pod logs and events for every signed-in user, while
 * the Kubernetes proxy itself stays with `sre` and `admin`.
 *
 * Why: the tab (KubernetesProxyClient of @backstage/plugin-kubernetes-react
 * 0.6) reads a container's log and a pod's events through
 * `/api/kubernetes/proxy`, which @backstage/plugin-kubernetes-backend 0.21
 * guards with one basic permission, `kubernetes.proxy`, that carries no
 * HTTP method or path: a policy cannot tell a log read from a pod deletion,
 * and Backstage offers no read-only proxy permission. Through the plugin's
 * router extension point, this module answers exactly those two reads, as
 * the tab sends them (GET, the tab's query parameters, no upgrade), in the
 * namespace where a location's Models run (`inference.locations[].cluster`
 * and `kubeaiNamespace`), with a KubernetesProxy of the same clusters and
 * credentials that checks `kubernetes.resources.read` (the permission of the
 * tab's other reads) instead. Every other proxy request (other namespaces,
 * such as kube-system's Helm install logs, included) goes on to the
 * plugin's own proxy and its `kubernetes.proxy` check.
 */
import type { Config } from '@backstage/config';
import {
  coreServices,
  createBackendModule,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  DispatchStrategy,
  KubernetesProxy,
} from '@backstage/plugin-kubernetes-backend';
import { kubernetesRouterExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { createPermission } from '@backstage/plugin-permission-common';
import { Router, type Request } from 'express';

/** As @backstage/plugin-kubernetes-common declares it. */
const kubernetesResourcesReadPermission = createPermission({
  name: 'kubernetes.resources.read',
  attributes: { action: 'read' },
});

/** A Kubernetes object name (DNS subdomain), never `.` or `..`. */
const NAME = '[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?';
/** A namespace or container name (DNS label). */
const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';

const POD_LOG = new RegExp(
  `^/api/v1/namespaces/(${LABEL})/pods/(${NAME})/log$`,
);
const EVENTS = new RegExp(`^/api/v1/namespaces/(${LABEL})/events$`);

/** `<cluster>/<namespace>` of every location's Models. */
export function modelNamespaces(config: Config): Set<string> {
  return new Set(
    (config.getOptionalConfigArray('inference.locations') ?? []).map(
      location =>
        `${location.getString('cluster')}/${
          location.getOptionalString('kubeaiNamespace') ?? 'kubeai'
        }`,
    ),
  );
}

/**
 * Whether a request under /proxy is one of the tab's reads in a Models'
 * namespace: GET of a container's log (`container`, optionally `previous`)
 * or of the events of one object
 * (`fieldSelector=involvedObject.name=<name>`), nothing else.
 */
export function isTabRead(
  req: {
    method: string;
    path: string;
    originalUrl: string;
    headers: Record<string, string | string[] | undefined>;
  },
  namespaces: Set<string>,
): boolean {
  if (req.method !== 'GET' || req.headers.upgrade !== undefined) {
    return false;
  }
  const namespace = (POD_LOG.exec(req.path) ?? EVENTS.exec(req.path))?.[1];
  const cluster = req.headers['backstage-kubernetes-cluster'];
  if (
    namespace === undefined ||
    typeof cluster !== 'string' ||
    !namespaces.has(`${cluster}/${namespace}`)
  ) {
    return false;
  }
  const query = new URL(req.originalUrl, 'http://portal').searchParams;
  const keys = [...query.keys()];
  if (new Set(keys).size !== keys.length) {
    return false;
  }
  const only = (allowed: string[]) => keys.every(k => allowed.includes(k));
  if (POD_LOG.test(req.path)) {
    const previous = query.get('previous');
    return (
      only(['container', 'previous']) &&
      new RegExp(`^${LABEL}$`).test(query.get('container') ?? '') &&
      (previous === null || ['', 'true', 'false'].includes(previous))
    );
  }
  if (EVENTS.test(req.path)) {
    return (
      only(['fieldSelector']) &&
      new RegExp(`^involvedObject\\.name=${NAME}$`).test(
        query.get('fieldSelector') ?? '',
      )
    );
  }
  return false;
}

/** The permissions service, asked `kubernetes.resources.read` instead. */
function asResourcesRead(permissions: PermissionsService): PermissionsService {
  return {
    authorize: (requests, options) =>
      permissions.authorize(
        requests.map(() => ({
          permission: kubernetesResourcesReadPermission,
        })),
        options,
      ),
    authorizeConditional: (requests, options) =>
      permissions.authorizeConditional(requests, options),
  };
}

export const kubernetesModuleTabReads = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'tab-reads',
  register(env) {
    env.registerInit({
      deps: {
        routers: kubernetesRouterExtensionPoint,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
      },
      async init({
        routers,
        logger,
        discovery,
        httpAuth,
        permissions,
        auditor,
        config,
      }) {
        const namespaces = modelNamespaces(config);
        routers.addRouter(
          ({ getDefault, clusterSupplier, authStrategyMap }) => {
            const reads = new KubernetesProxy({
              logger,
              clusterSupplier,
              authStrategy: new DispatchStrategy({ authStrategyMap }),
              discovery,
              httpAuth,
              auditor,
            }).createRequestHandler({
              permissionApi: asResourcesRead(permissions),
            });
            const router = Router();
            router.use('/proxy', (req: Request, res, next) => {
              if (!isTabRead(req, namespaces)) {
                next();
                return;
              }
              // The proxy's handler is async; express 4 ignores a rejection.
              Promise.resolve(reads(req, res, next)).catch(next);
            });
            router.use(getDefault());
            return router;
          },
        );
      },
    });
  },
});

/** Default export: `backend.add(import(...))` in ../index.ts. */
export default kubernetesModuleTabReads;
