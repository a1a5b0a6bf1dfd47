import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import { catalogModuleBareMetal } from './module';

describe('catalogModuleBareMetal', () => {
  const location = (name: string) => ({
    name,
    domain: `${name}.example.com`,
    countryCode: 'RO',
    cluster: name,
    bifrost: { baseUrl: `https://bifrost.${name}.example.com` },
  });

  it('adds one provider per location, on the configured schedule', async () => {
    const providers: EntityProvider[] = [];
    const schedules: unknown[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...added: any[]) =>
              providers.push(...added.flat()),
          },
        ],
      ],
      features: [
        catalogModuleBareMetal,
        mockServices.scheduler.mock({
          createScheduledTaskRunner: schedule => {
            schedules.push(schedule);
            return { run: jest.fn() };
          },
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            inference: {
              locations: [location('stalpeni'), location('cluj')],
              bareMetal: { refreshMinutes: 2 },
            },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: ['stalpeni', 'cluj'].map(name => ({
                    name,
                    url: 'http://127.0.0.1:1',
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'x',
                  })),
                },
              ],
            },
          },
        }),
      ],
    });
    expect(providers.map(p => p.getProviderName())).toEqual([
      'bare-metal:stalpeni',
      'bare-metal:cluj',
    ]);
    expect(schedules).toEqual([
      expect.objectContaining({ frequency: { minutes: 2 } }),
      expect.objectContaining({ frequency: { minutes: 2 } }),
    ]);
  });
});
