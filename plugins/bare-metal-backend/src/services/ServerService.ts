import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { ServerListResponse } from '@internal/backstage-plugin-bare-metal-common';
import { toServerSummaries } from '../mapping/toServerSummaries';

/** Configured servers joined with live Kubernetes Nodes, per location. */
export class ServerService {
  constructor(private readonly locations: InferenceLocationsService) {}

  async list(filter: { location?: string }): Promise<ServerListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    return collectFromLocations(targets, 'kubernetes', async location =>
      toServerSummaries(
        location.name,
        location.servers,
        await this.locations.kubeAi(location.name).listNodes(),
      ),
    );
  }
}
