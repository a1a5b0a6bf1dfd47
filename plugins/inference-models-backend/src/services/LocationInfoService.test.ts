import { ConfigReader } from '@backstage/config';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import {
  DEFAULT_RESOURCE_PROFILES,
  LocationInfoService,
} from './LocationInfoService';

const locations = {
  list: () => [
    { name: 'local', title: 'Local', domain: 'local.test', countryCode: 'RO' },
    { name: 'pr', title: 'Puerto Rico', domain: 'pr.test', countryCode: 'PR' },
  ],
} as unknown as InferenceLocationsService;

describe('LocationInfoService', () => {
  it('offers the default resource profiles in every location', () => {
    const { items } = new LocationInfoService(
      locations,
      new ConfigReader({}),
    ).list();
    expect(items.map(i => i.name)).toEqual(['local', 'pr']);
    expect(items[1]).toMatchObject({
      title: 'Puerto Rico',
      domain: 'pr.test',
      countryCode: 'PR',
    });
    for (const item of items) {
      expect(item.resourceProfiles.map(p => p.name)).toEqual(
        DEFAULT_RESOURCE_PROFILES.map(p => p.name),
      );
    }
    expect(
      items[0].resourceProfiles.find(p => p.name === 'cpu-unlimited')?.gpu,
    ).toBe(false);
  });

  it('offers configured profiles only where they are configured', () => {
    const service = new LocationInfoService(
      locations,
      new ConfigReader({
        inference: {
          models: {
            resourceProfiles: [
              { name: 'nvidia-h100', title: 'H100 80GB', locations: ['pr'] },
              { name: 'cpu-small' },
            ],
          },
        },
      }),
    );
    const [local, pr] = service.list().items;
    expect(local.resourceProfiles).toEqual([
      { name: 'cpu-small', title: 'cpu-small', gpu: false },
    ]);
    expect(pr.resourceProfiles).toEqual([
      { name: 'nvidia-h100', title: 'H100 80GB', gpu: true },
      { name: 'cpu-small', title: 'cpu-small', gpu: false },
    ]);
  });

  it('refuses a profile name that is not a DNS label, naming the key', () => {
    expect(
      () =>
        new LocationInfoService(
          locations,
          new ConfigReader({
            inference: {
              models: { resourceProfiles: [{ name: 'GPU; rm -rf' }] },
            },
          }),
        ),
    ).toThrow('inference.models.resourceProfiles[0].name');
  });
});

describe('LocationInfoService.listLive', () => {
  const kubeAi = (name: string) => ({
    getSystemConfig: async () => {
      if (name === 'pr') throw new Error('location pr: kubernetes: 403');
      return {
        resourceProfiles: {
          'nvidia-unlimited': { limits: { 'nvidia.com/gpu': '2' } },
          'cpu-unlimited': { requests: { cpu: '1' } },
        },
        cacheProfiles: {},
      };
    },
  });
  const live = { ...locations, kubeAi } as unknown as InferenceLocationsService;

  it("offers the profiles each location's KubeAI defines, with their GPUs, else the configured ones", async () => {
    const { items } = await new LocationInfoService(
      live,
      new ConfigReader({}),
    ).listLive();
    expect(items[0].resourceProfiles).toEqual([
      { name: 'cpu-unlimited', title: 'Generic CPU', gpu: false, gpus: 0 },
      {
        name: 'nvidia-unlimited',
        title: 'Modern NVIDIA GPUs (RTX 20xx+)',
        gpu: true,
        gpus: 2,
      },
    ]);
    expect(items[1].resourceProfiles.map(p => p.name)).toEqual(
      DEFAULT_RESOURCE_PROFILES.map(p => p.name),
    );
  });
});
