/*
 * The inference:model:* scaffolder actions, one per file with its examples
 * beside it: createModelAction.ts, scaleModelAction.ts, deleteModelAction.ts.
 */
import type { ModelActionsOptions } from './common';
import { createModelCreateAction } from './createModelAction';
import { createModelDeleteAction } from './deleteModelAction';
import { createModelScaleAction } from './scaleModelAction';

export { MODEL_ACTION_IDS, type ModelActionsOptions } from './common';
export {
  createModelCreateAction,
  createModelScaleAction,
  createModelDeleteAction,
};

/** The three inference-models scaffolder actions. */
export function createModelActions(options: ModelActionsOptions) {
  return [
    createModelCreateAction(options),
    createModelScaleAction(options),
    createModelDeleteAction(options),
  ];
}
