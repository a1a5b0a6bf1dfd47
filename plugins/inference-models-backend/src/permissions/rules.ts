import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { InputError } from '@backstage/errors';
import { INFERENCE_MODEL_RESOURCE_TYPE } from '@internal/backstage-plugin-inference-models-common';
import { z } from 'zod';

/** What a conditional Model decision is evaluated against. */
export type ModelPermissionResource = { location: string; name: string };

/** A filter on Models: in one of these locations. */
export type ModelPermissionQuery = { locations: string[] };

export const modelPermissionResourceRef = createPermissionResourceRef<
  ModelPermissionResource,
  ModelPermissionQuery
>().with({
  pluginId: 'inference-models',
  resourceType: INFERENCE_MODEL_RESOURCE_TYPE,
});

/**
 * IS_IN_LOCATION: the Model is in one of the given locations. Lets a policy
 * grant Model changes for some locations only.
 */
export const isInLocationRule = createPermissionRule({
  name: 'IS_IN_LOCATION',
  description: 'Allow Models of the given locations only',
  resourceRef: modelPermissionResourceRef,
  paramsSchema: z.object({
    locations: z
      .array(z.string())
      .describe('Location names, e.g. ["stalpeni"]'),
  }),
  apply: (resource, { locations }) => locations.includes(resource.location),
  toQuery: ({ locations }) => ({ locations }),
});

/**
 * Resolves the resource refs (`<location>/<name>`) of Model permission
 * requests; the Model need not exist yet (create).
 */
export async function getModelPermissionResources(
  refs: string[],
): Promise<Array<ModelPermissionResource | undefined>> {
  return refs.map(ref => {
    const match = /^([a-z0-9-]{1,63})\/([a-z0-9][-a-z0-9]*)$/.exec(ref);
    if (!match) {
      throw new InputError(
        `resourceRef: '${ref}' is not <location>/<model name>`,
      );
    }
    return { location: match[1], name: match[2] };
  });
}
