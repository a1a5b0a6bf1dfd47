import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type {
  ServerListQuery,
  ServerListResponse,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';
import { toGpuSummary, toServerSummaries } from '../mapping/toServerSummaries';
import type { SshFactsService } from './SshFactsService';

/** Configured servers joined with live Kubernetes Nodes and pods, per location. */
export class ServerService {
  private readonly locations: InferenceLocationsService;
  private readonly facts?: SshFactsService;

  constructor(options: {
    locations: InferenceLocationsService;
    /** Joins SSH hardware facts into the items when enabled. */
    facts?: SshFactsService;
  }) {
    this.locations = options.locations;
    this.facts = options.facts;
  }

  /**
   * One page of the servers of every location (or one). The GPU summaries
   * count every server of the locations asked; SSH facts are read for the
   * page's servers only.
   */
  async list(query: ServerListQuery = {}): Promise<ServerListResponse> {
    const targets = query.location
      ? [this.locations.get(query.location)]
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
    const matching = items.filter(matches(query));
    matching.sort(compareServers(query.sort, query.order));
    const offset = query.offset ?? 0;
    const page =
      query.limit === undefined
        ? matching.slice(offset)
        : matching.slice(offset, offset + query.limit);
    const next = offset + page.length;
    return {
      items: this.facts ? await this.facts.join(page) : page,
      errors,
      summaries: targets
        .filter(l => answered.has(l.name))
        .map(l => toGpuSummary(l.name, items)),
      total: matching.length,
      offset,
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(next < matching.length && { nextOffset: next }),
    };
  }
}

const gpuCount = (s: ServerSummary) => s.gpus.reduce((n, g) => n + g.count, 0);

/** Ready first, then not ready, cordoned, and configured servers not in the cluster. */
const statusRank = (s: ServerSummary) => {
  if (s.membership === 'not-in-cluster') return 3;
  if (!s.ready) return 1;
  return s.cordoned ? 2 : 0;
};

function matches(query: ServerListQuery): (s: ServerSummary) => boolean {
  const needle = query.q?.trim().toLocaleLowerCase('en-US');
  return s => {
    if (
      needle &&
      !s.name.toLocaleLowerCase('en-US').includes(needle) &&
      !(s.address ?? '').toLocaleLowerCase('en-US').includes(needle)
    ) {
      return false;
    }
    if (query.gpu === 'none') return s.gpus.length === 0;
    if (query.gpu) return s.gpus.some(g => g.product === query.gpu);
    return true;
  };
}

function compareServers(
  sort: ServerListQuery['sort'] = 'location',
  order: ServerListQuery['order'] = 'asc',
): (a: ServerSummary, b: ServerSummary) => number {
  const byName = (a: ServerSummary, b: ServerSummary) =>
    a.location.localeCompare(b.location) || a.name.localeCompare(b.name);
  const key: Record<
    NonNullable<ServerListQuery['sort']>,
    (a: ServerSummary, b: ServerSummary) => number
  > = {
    location: () => 0,
    name: (a, b) => a.name.localeCompare(b.name),
    gpus: (a, b) => gpuCount(a) - gpuCount(b),
    status: (a, b) => statusRank(a) - statusRank(b),
  };
  const sign = order === 'desc' ? -1 : 1;
  return (a, b) => sign * (key[sort](a, b) || byName(a, b));
}
