/**
 * Node library shared by the inference backend plugins: the location config
 * and clients for each location's external systems.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './locations/types';
export {
  readInferenceLocations,
  readExternalCallSettings,
} from './locations/readLocations';
export {
  inferenceLocationsServiceRef,
  ConfigInferenceLocationsService,
  type InferenceLocationsService,
} from './locations/InferenceLocationsService';
export { callExternal, type CallExternalOptions } from './http/callExternal';
export { publicUrlProblem, specialHostReason } from './http/publicUrl';
export { strictQueryNumbers } from './http/strictQueryNumbers';
export {
  asUnavailable,
  externalSystemErrorHandler,
} from './http/externalSystemErrors';
export {
  parseDateParam,
  DATE_PARAM_MIN,
  DATE_PARAM_MAX,
} from './http/parseDateParam';
export {
  readClusterConnections,
  kubeConfigFor,
  type ClusterConnection,
} from './kubernetes/clusterConfig';
export {
  KubeAiClient,
  KUBEAI_GROUP,
  KUBEAI_VERSION,
  KUBEAI_MODELS,
  type ModelResource,
  type ModelScale,
} from './kubernetes/KubeAiClient';
export {
  HELM_NAMESPACE,
  type HelmChartResource,
} from './kubernetes/KubeAiClient';
export * from './kubernetes/kubeaiSystemConfig';
export * from './bifrost/BifrostClient';
export * from './odoo/OdooClient';
export { requirePermission } from './auth/requirePermission';
export { audited, type AuditedOptions } from './audit/audited';
export { authorize, type PermissionCheck } from './auth/authorize';
export { collectFromLocations, toLocationError } from './locations/collect';
export {
  modelPricing,
  OPENROUTER_ANNOTATION,
  type ModelPricing,
} from './pricing/modelPricing';
export {
  collatorSchedule,
  collatorTaskRunner,
} from './search/collatorTaskRunner';
export {
  excludeCatalogDocuments,
  CATALOG_DOCUMENT_TYPE,
  type CatalogDocumentExclusion,
} from './search/excludeCatalogDocuments';
export {
  PluginApiCaller,
  type PluginApiCallerOptions,
  type PluginApiRequest,
} from './http/PluginApiCaller';
export {
  inferenceRootHttpRouterServiceFactory,
  rejectOversizedBodies,
  restoreTooLargeBodies,
  INFERENCE_BODY_LIMIT_BYTES,
  OPENAPI_PLUGINS,
  BODY_TOO_LARGE_MESSAGE,
} from './http/rootHttpRouter';

// SSH to a location's configured servers, host keys pinned: the bare-metal
// plugin reads hardware facts with it, its scaffolder module installs K3s.
export {
  Ssh2Connector,
  sshError,
  type ExecOptions,
  type ExecResult,
  type SshConnector,
  type SshSession,
  type SshTarget,
} from './ssh/SshConnector';
export { sshTargetFor } from './ssh/targets';
export { reportedTask } from './scheduling/reportedTask';
