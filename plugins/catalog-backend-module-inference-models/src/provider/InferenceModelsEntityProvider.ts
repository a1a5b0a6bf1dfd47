import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  entityEnvelopeSchemaValidator,
  type Entity,
} from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  type InferenceLocation,
  type InferenceLocationsService,
  reportedTask,
} from '@internal/backstage-plugin-inference-node';
import { providerLocationKey } from '../mapping/common';
import { toLocationEntities } from '../mapping/toLocationEntities';
import { toModelEntity } from '../mapping/toModelEntity';

/** What one refresh applied. */
export type RefreshResult = {
  location: string;
  /** Entities in the full mutation: the cluster, the gateway API and one per Model. */
  entities: number;
  models: number;
};

const validateEnvelope = entityEnvelopeSchemaValidator();

/**
 * Provides the catalog entities of ONE location: its kubernetes-cluster
 * Resource, its gateway API and one `ai-model` Resource per KubeAI Model.
 * Every refresh lists the Models and applies a full mutation keyed
 * `inference-models:<location>`, so other locations are never touched. When
 * the cluster cannot be read, no mutation is applied: the catalog keeps the
 * location's last entities. Runs on its schedule and when the module
 * receives a refresh request for its location (events topic
 * `inference-models.catalog-refresh`).
 */
export class InferenceModelsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private inFlight?: Promise<RefreshResult>;
  private queued?: Promise<RefreshResult>;

  constructor(
    private readonly options: {
      location: InferenceLocation;
      locations: InferenceLocationsService;
      owner: string;
      logger: LoggerService;
      /** Runs the scheduled refresh; omit to refresh only on demand. */
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return providerLocationKey(this.options.location.name);
  }

  /** Id of the scheduled task of this location (in the catalog's scheduler). */
  getTaskId(): string {
    return `${this.getProviderName()}:refresh`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner?.run({
      id: this.getTaskId(),
      fn: reportedTask({
        logger: this.options.logger,
        what: `Catalog refresh of location ${this.options.location.name} (its last entities are kept)`,
        fn: () => this.refresh(),
      }),
    });
  }

  /**
   * Like `refresh`, for the scheduled and the requested refreshes that have
   * no caller to answer: a failure is the one error log line naming the
   * location and system.
   */
  async refreshOrLog(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.options.logger.error(
        `Catalog refresh of location ${
          this.options.location.name
        } failed, keeping its last entities: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Reads the location's Models and applies a full mutation. Rejects, without
   * applying anything or logging, when the cluster cannot be read (the
   * message names the location and system). Concurrent calls share a run; a
   * call made while one runs gets the next run, so it sees current state.
   */
  refresh(): Promise<RefreshResult> {
    if (!this.inFlight) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    if (!this.queued) {
      this.queued = this.inFlight
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.refresh();
        });
    }
    return this.queued;
  }

  private async run(): Promise<RefreshResult> {
    const { location, locations, owner, logger } = this.options;
    const connection = this.connection;
    if (!connection) {
      throw new ServiceUnavailableError(
        `location ${
          location.name
        }: the catalog has not connected provider ${this.getProviderName()} yet`,
      );
    }
    const kube = locations.kubeAi(location.name);
    const [models, kubeai] = await Promise.all([
      kube.listModels(),
      // Without the profiles (no RBAC on the ConfigMap, KubeAI under another
      // release name) the entities only lack GPU counts.
      kube.getSystemConfig().catch(() => undefined),
    ]);

    const entities: Entity[] = [...toLocationEntities(location, { owner })];
    for (const model of models) {
      try {
        const entity = toModelEntity(location, model, { owner, kubeai });
        validateEnvelope(entity);
        entities.push(entity);
      } catch (error) {
        logger.warn(
          `location ${location.name}: Model '${
            model.metadata?.name
          }' cannot be a catalog entity: ${(error as Error).message}`,
        );
      }
    }

    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    logger.debug(
      `Applied ${entities.length} catalog entities of location ${location.name}`,
    );
    return {
      location: location.name,
      entities: entities.length,
      models: entities.length - 2,
    };
  }
}
