import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { scaffolderModuleBareMetal } from './module';

describe('scaffolderModuleBareMetal', () => {
  async function start(bareMetal?: JsonObject) {
    const added: Array<{ id: string; examples?: unknown[] }> = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...actions: Array<{ id: string }>) =>
              added.push(...actions),
          },
        ],
      ],
      features: [
        scaffolderModuleBareMetal,
        mockServices.rootConfig.factory({
          data: {
            inference: { locations: [], ...(bareMetal ? { bareMetal } : {}) },
          },
        }),
      ],
    });
    return added;
  }

  it('registers the four bare-metal actions, each with its examples', async () => {
    const added = await start();
    expect(added.map(a => a.id).sort()).toEqual([
      'baremetal:helm:install',
      'baremetal:k3s:install',
      'baremetal:node:cordon',
      'baremetal:node:uncordon',
    ]);
    for (const action of added) {
      expect(action.examples?.length).toBeGreaterThan(0);
    }
  });

  it('refuses to start with an invalid inference.bareMetal.k3s', async () => {
    await expect(
      start({ k3s: { installScriptUrl: 'ftp://example.com/install.sh' } }),
    ).rejects.toThrow(
      'inference.bareMetal.k3s.installScriptUrl must be an http(s) or file URL',
    );
  });
});
