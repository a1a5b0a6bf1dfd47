import { nodeUncordonExamples } from './nodeUncordon.examples';
import {
  createNodeSchedulabilityAction,
  type NodeActionOptions,
} from './nodeSchedulability';

/**
 * `baremetal:node:uncordon`: makes a cordoned Kubernetes Node of a location
 * schedulable again (kubectl uncordon).
 */
export function createNodeUncordonAction(options: NodeActionOptions) {
  return createNodeSchedulabilityAction(options, false, nodeUncordonExamples);
}
