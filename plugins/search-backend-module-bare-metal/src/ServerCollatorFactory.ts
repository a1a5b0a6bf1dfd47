import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  bareMetalNodeReadPermission,
  type ServerListResponse,
} from '@internal/backstage-plugin-bare-metal-common';
import type { PluginApiCaller } from '@internal/backstage-plugin-inference-node';
import { Readable } from 'node:stream';

/** A search document of one server. */
export type ServerDocument = IndexableDocument & {
  kind: 'server';
  /** The location the server belongs to, for the search page's location filter. */
  inferenceLocation: string;
  gpus: string;
};

export const SERVER_DOCUMENT_TYPE = 'bare-metal-server';

/**
 * Search documents for the servers of every location, read from the
 * bare-metal plugin's `GET /nodes` (locations that cannot be read are
 * skipped until the next run), visible to whoever may read nodes.
 */
export class ServerCollatorFactory implements DocumentCollatorFactory {
  readonly type = SERVER_DOCUMENT_TYPE;
  readonly visibilityPermission = bareMetalNodeReadPermission;

  /** `api` calls the bare-metal plugin. */
  constructor(private readonly api: PluginApiCaller) {}

  async getCollator(): Promise<Readable> {
    const { items } = await this.api.request<ServerListResponse>({
      method: 'GET',
      path: '/nodes',
    });
    const documents: ServerDocument[] = items.map(s => {
      const gpus = s.gpus
        .map(g => `${g.count} x ${g.product ?? g.vendor}`)
        .join(', ');
      return {
        kind: 'server',
        title: s.name,
        text: [
          `Server ${s.name} in location ${s.location}`,
          s.address ? `address ${s.address}` : undefined,
          `roles ${s.roles.join(', ') || 'none'}`,
          gpus ? `GPUs ${gpus}` : 'no GPUs',
          s.membership === 'managed' ? undefined : s.membership,
        ]
          .filter(Boolean)
          .join('; '),
        location: `/catalog/${encodeURIComponent(
          s.location,
        )}/resource/${encodeURIComponent(s.name)}`,
        inferenceLocation: s.location,
        gpus,
      };
    });
    return Readable.from(documents);
  }
}
