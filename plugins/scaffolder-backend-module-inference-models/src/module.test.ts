import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleInferenceModels } from './module';

describe('scaffolderModuleInferenceModels', () => {
  it('registers the three model actions with the scaffolder', async () => {
    const added: Array<{ id: string }> = [];
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
        scaffolderModuleInferenceModels,
        mockServices.rootConfig.factory({
          data: { inference: { locations: [] } },
        }),
      ],
    });
    expect(added.map(a => a.id).sort()).toEqual([
      'inference:model:create',
      'inference:model:delete',
      'inference:model:scale',
    ]);
  });
});
