import type { Config } from '@backstage/config';
import {
  profileAccelerators,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import { kubeAiConfigOrUndefined } from './kubeaiConfig';
import type {
  LocationInfoResponse,
  ResourceProfileInfo,
} from '@internal/backstage-plugin-inference-models-common';

/**
 * The resource profiles of the seeds' KubeAI install (the helm values every
 * location uses), offered when `inference.models.resourceProfiles` is unset.
 */
export const DEFAULT_RESOURCE_PROFILES: ReadonlyArray<
  ResourceProfileInfo & { locations?: string[] }
> = [
  {
    name: 'nvidia-unlimited',
    title: 'Modern NVIDIA GPUs (RTX 20xx+)',
    gpu: true,
  },
  {
    name: 'nvidia-older-unlimited',
    title: 'Pascal NVIDIA GPUs (GTX 10xx)',
    gpu: true,
  },
  { name: 'amd-unlimited', title: 'AMD GPUs', gpu: true },
  { name: 'cpu-unlimited', title: 'Generic CPU', gpu: false },
  { name: 'cpu-avx2-unlimited', title: 'CPU with AVX2', gpu: false },
];

type ConfiguredProfile = ResourceProfileInfo & { locations?: string[] };

function readProfiles(config: Config): ReadonlyArray<ConfiguredProfile> {
  const entries = config.getOptionalConfigArray(
    'inference.models.resourceProfiles',
  );
  if (!entries) {
    return DEFAULT_RESOURCE_PROFILES;
  }
  return entries.map((entry, i) => {
    const name = entry.getString('name');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      throw new Error(
        `inference.models.resourceProfiles[${i}].name: '${name}' is not a lower-case DNS label`,
      );
    }
    return {
      name,
      title: entry.getOptionalString('title') ?? name,
      gpu: entry.getOptionalBoolean('gpu') ?? !name.startsWith('cpu'),
      locations: entry.getOptionalStringArray('locations'),
    };
  });
}

/** Configured locations and what may be deployed there, for the templates' pickers. */
export class LocationInfoService {
  private readonly profiles: ReadonlyArray<ConfiguredProfile>;

  constructor(
    private readonly locations: InferenceLocationsService,
    config: Config,
  ) {
    this.profiles = readProfiles(config);
  }

  /**
   * Like `list`, but each location's profiles are those its KubeAI defines
   * (ConfigMap kubeai-config), titled from config where named there, with
   * the GPUs one unit schedules; the configured list where it cannot be read.
   */
  async listLive(): Promise<LocationInfoResponse> {
    const configured = this.list();
    const items = await Promise.all(
      configured.items.map(async item => {
        let kube;
        try {
          kube = this.locations.kubeAi(item.name);
        } catch {
          return item;
        }
        const kubeai = await kubeAiConfigOrUndefined(kube);
        if (!kubeai) {
          return item;
        }
        const titles = new Map(this.profiles.map(p => [p.name, p.title]));
        return {
          ...item,
          resourceProfiles: Object.keys(kubeai.resourceProfiles)
            .sort()
            .map(name => {
              const gpus = profileAccelerators(kubeai.resourceProfiles[name]);
              return {
                name,
                title: titles.get(name) ?? name,
                gpu: gpus > 0,
                gpus,
              };
            }),
        };
      }),
    );
    return { items };
  }

  list(): LocationInfoResponse {
    return {
      items: this.locations.list().map(location => ({
        name: location.name,
        title: location.title,
        domain: location.domain,
        countryCode: location.countryCode,
        resourceProfiles: this.profiles
          .filter(p => !p.locations || p.locations.includes(location.name))
          .map(({ name, title, gpu }) => ({ name, title, gpu })),
      })),
    };
  }
}
