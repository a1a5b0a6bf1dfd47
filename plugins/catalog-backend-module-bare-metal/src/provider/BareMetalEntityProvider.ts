import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { ServerListResponse } from '@internal/backstage-plugin-bare-metal-common';
import {
  type PluginApiCaller,
  reportedTask,
} from '@internal/backstage-plugin-inference-node';
import { serverProviderKey, toServerEntity } from '../mapping/toServerEntity';

/**
 * Provides the catalog entities of ONE location's configured servers
 * (`Resource`/`bare-metal-server`, namespace = location), with GPU facts from
 * the live Nodes, read from the bare-metal plugin's `GET /nodes?location=`.
 * A full mutation keyed `bare-metal:<location>` per refresh; when the
 * location's cluster or the plugin cannot be read, nothing is applied and the
 * last entities stay (the other locations' providers are not affected). (The
 * location's kubernetes-cluster entity itself comes from the inference-models
 * provider: one owner per entity.)
 */
export class BareMetalEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      /** Name of the location. */
      location: string;
      /** Calls the bare-metal plugin. */
      api: PluginApiCaller;
      owner: string;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return serverProviderKey(this.options.location);
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: reportedTask({
        logger: this.options.logger,
        what: `Catalog refresh of the servers of location ${this.options.location} (their last entities are kept)`,
        fn: () => this.refresh(),
      }),
    });
  }

  /**
   * Applies a full mutation; rejects without applying when the location's
   * cluster or the plugin cannot be read.
   */
  async refresh(): Promise<number> {
    const { location, api, owner } = this.options;
    if (!this.connection) {
      throw new Error(`provider ${this.getProviderName()} is not connected`);
    }
    const result = await api.request<ServerListResponse>({
      method: 'GET',
      path: `/nodes?location=${encodeURIComponent(location)}`,
    });
    if (result.errors.length > 0) {
      throw new Error(result.errors.map(e => e.message).join('; '));
    }
    const entities = result.items
      .filter(s => s.location === location && s.membership !== 'unmanaged')
      .map(s => toServerEntity(s, { owner }));
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    return entities.length;
  }
}
