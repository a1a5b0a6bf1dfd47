import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { ServerListResponse } from '@internal/backstage-plugin-bare-metal-common';
import { toGpuSummary, toServerSummaries } from '../mapping/toServerSummaries';
import type { SshFactsService } from './SshFactsService';

/** Configured servers joined with live Kubernetes Nodes and pods, per location. */
export class ServerService {
  constructor(
    private readonly locations: InferenceLocationsService,
    /** Joins SSH hardware facts into the items when enabled. */
    private readonly facts?: SshFactsService,
  ) {}

  async list(filter: { location?: string }): Promise<ServerListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    const { items, errors } = await collectFromLocations(
      targets,
      'kubernetes',
      async location => {
        const kube = this.locations.kubeAi(location.name);
        const [nodes, pods] = await Promise.all([
          kube.listNodes(),
          kube.listModelPods(),
        ]);
        return toServerSummaries(location.name, location.servers, nodes, pods);
      },
    );
    const answered = new Set(items.map(s => s.location));
    return {
      items: this.facts ? await this.facts.join(items) : items,
      errors,
      summaries: targets
        .filter(l => answered.has(l.name))
        .map(l => toGpuSummary(l.name, items)),
    };
  }
}
