import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import { BifrostClient } from '../bifrost/BifrostClient';
import { KubeAiClient } from '../kubernetes/KubeAiClient';
import { OdooClient } from '../odoo/OdooClient';
import {
  ClusterConnection,
  kubeConfigFor,
  readClusterConnections,
} from '../kubernetes/clusterConfig';
import {
  readExternalCallSettings,
  readInferenceLocations,
} from './readLocations';
import { ExternalCallSettings, InferenceLocation } from './types';

/** The configured locations and a client for each of their systems. */
export interface InferenceLocationsService {
  list(): InferenceLocation[];
  /** Throws NotFoundError for an unknown location name. */
  get(name: string): InferenceLocation;
  kubeAi(name: string): KubeAiClient;
  bifrost(name: string): BifrostClient;
  /** Throws InputError when the location has no `odoo` configured. */
  odoo(name: string): OdooClient;
}

export class ConfigInferenceLocationsService
  implements InferenceLocationsService
{
  private readonly byName: Map<string, InferenceLocation>;
  private readonly clusters: Map<string, ClusterConnection>;
  private readonly kubeAiClients = new Map<string, KubeAiClient>();
  private readonly bifrostClients = new Map<string, BifrostClient>();
  private readonly odooClients = new Map<string, OdooClient>();

  static fromConfig(config: Config): ConfigInferenceLocationsService {
    return new ConfigInferenceLocationsService(
      readInferenceLocations(config),
      readClusterConnections(config),
      readExternalCallSettings(config),
    );
  }

  constructor(
    locations: InferenceLocation[],
    clusters: ClusterConnection[],
    private readonly settings: ExternalCallSettings,
  ) {
    this.byName = new Map(locations.map(l => [l.name, l]));
    this.clusters = new Map(clusters.map(c => [c.name, c]));
  }

  list(): InferenceLocation[] {
    return [...this.byName.values()];
  }

  get(name: string): InferenceLocation {
    const location = this.byName.get(name);
    if (!location) {
      throw new NotFoundError(`No location named '${name}'`);
    }
    return location;
  }

  kubeAi(name: string): KubeAiClient {
    let client = this.kubeAiClients.get(name);
    if (!client) {
      const location = this.get(name);
      const cluster = this.clusters.get(location.cluster);
      if (!cluster) {
        throw new InputError(
          `location ${name}: cluster '${location.cluster}' is not configured in kubernetes.clusterLocatorMethods`,
        );
      }
      client = new KubeAiClient(
        location,
        kubeConfigFor(cluster),
        this.settings,
      );
      this.kubeAiClients.set(name, client);
    }
    return client;
  }

  bifrost(name: string): BifrostClient {
    let client = this.bifrostClients.get(name);
    if (!client) {
      client = new BifrostClient(this.get(name), this.settings);
      this.bifrostClients.set(name, client);
    }
    return client;
  }

  odoo(name: string): OdooClient {
    let client = this.odooClients.get(name);
    if (!client) {
      const location = this.get(name);
      if (!location.odoo) {
        throw new InputError(`location ${name}: no odoo is configured`);
      }
      client = new OdooClient(location, this.settings);
      this.odooClients.set(name, client);
    }
    return client;
  }
}

/**
 * Root service: reads and validates `inference.locations` once at startup, so
 * a bad location config stops the backend with a message naming the key.
 */
export const inferenceLocationsServiceRef =
  createServiceRef<InferenceLocationsService>({
    id: 'inference.locations',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { config: coreServices.rootConfig },
        factory: ({ config }) =>
          ConfigInferenceLocationsService.fromConfig(config),
      }),
  });
