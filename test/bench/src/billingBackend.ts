/*
 * The billing plugin in a backend of its own, as a split deployment runs it
 * (https://backstage.io/docs/backend-system/building-backends/index#split-into-multiple-backends):
 * the inference-billing plugin with the permission plugin and the portal's
 * policy. The invoicing benchmark bundles it and measures its memory.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleInferencePolicy } from '../../../packages/backend/src/permissions/module';

const backend = createBackend();
backend.add(import('@internal/backstage-plugin-inference-billing-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleInferencePolicy);
backend.start();
