import {
  ANNOTATION_LOCATION as BACKSTAGE_MANAGED_BY_LOCATION,
  ANNOTATION_ORIGIN_LOCATION as BACKSTAGE_MANAGED_BY_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import type { InferenceLocation } from '@internal/backstage-plugin-inference-node';

/** The parts of a location the pure mappings read. */
export type MappingLocation = Pick<
  InferenceLocation,
  | 'name'
  | 'title'
  | 'domain'
  | 'countryCode'
  | 'cluster'
  | 'kubeaiNamespace'
  | 'bifrost'
>;

/** Pods of the entity, for the Kubernetes plugin's tab (KubeAI labels them `model=<name>`). */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
/** Namespace the Kubernetes plugin looks in. */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';
/**
 * The cluster (name in `kubernetes.clusterLocatorMethods`) the Kubernetes
 * plugin asks, honoured by its `singleTenant` service locator.
 */
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';

/** The provider's location key and managed-by annotations: `inference-models:<location>`. */
export function providerLocationKey(location: string): string {
  return `inference-models:${location}`;
}

export function managedByAnnotations(location: string): Record<string, string> {
  return {
    [BACKSTAGE_MANAGED_BY_LOCATION]: providerLocationKey(location),
    [BACKSTAGE_MANAGED_BY_ORIGIN_LOCATION]: providerLocationKey(location),
  };
}
