import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { RefreshResult } from './InferenceModelsEntityProvider';

/**
 * Hands on-demand refreshes from the inference-models plugin's HTTP route to
 * the entity providers of the catalog module. Modules and plugins only share
 * root services, so this one holds the providers the module registered.
 */
export interface ModelCatalogRefreshService {
  /** Called by the catalog module, once per location. */
  register(location: string, refresh: () => Promise<RefreshResult>): void;
  /**
   * Refreshes one location's entities now. Throws ServiceUnavailableError when
   * the catalog module is not installed; rejects like the provider otherwise.
   */
  refresh(location: string): Promise<RefreshResult>;
}

export class DefaultModelCatalogRefreshService
  implements ModelCatalogRefreshService
{
  private readonly handlers = new Map<string, () => Promise<RefreshResult>>();

  register(location: string, refresh: () => Promise<RefreshResult>): void {
    this.handlers.set(location, refresh);
  }

  async refresh(location: string): Promise<RefreshResult> {
    const handler = this.handlers.get(location);
    if (!handler) {
      throw new ServiceUnavailableError(
        `location ${location}: no catalog entity provider; is the catalog module inference-models installed?`,
      );
    }
    return handler();
  }
}

/** Root service shared by the inference-models plugin and its catalog module. */
export const modelCatalogRefreshServiceRef =
  createServiceRef<ModelCatalogRefreshService>({
    id: 'inference-models.catalog-refresh',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {},
        factory: () => new DefaultModelCatalogRefreshService(),
      }),
  });
