import { nodeCordonExamples } from './nodeCordon.examples';
import {
  createNodeSchedulabilityAction,
  type NodeActionOptions,
} from './nodeSchedulability';

/**
 * `baremetal:node:cordon`: marks a Kubernetes Node of a location
 * unschedulable (kubectl cordon).
 */
export function createNodeCordonAction(options: NodeActionOptions) {
  return createNodeSchedulabilityAction(options, true, nodeCordonExamples);
}
