import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { inferenceModelReadPermission } from '@internal/backstage-plugin-inference-models-common';
import { Readable } from 'node:stream';
import type { ModelService } from '../services/ModelService';

export const MODEL_DOCUMENT_TYPE = 'inference-model';

/** A search document of one Model deployment in one location. */
export type ModelDocument = IndexableDocument & {
  kind: 'model';
  /** The location the deployment is in, for the search page's location filter. */
  inferenceLocation: string;
  engine: string;
};

/**
 * Search documents for the Models of every location: searching a model name
 * finds its deployment in each location. Locations that cannot be read are
 * skipped until the next run.
 */
export class ModelCollatorFactory implements DocumentCollatorFactory {
  readonly type = MODEL_DOCUMENT_TYPE;
  readonly visibilityPermission = inferenceModelReadPermission;

  constructor(private readonly models: ModelService) {}

  async getCollator(): Promise<Readable> {
    const { items } = await this.models.list({});
    const documents: ModelDocument[] = items.map(m => ({
      kind: 'model',
      title: m.title
        ? `${m.title} (${m.location})`
        : `${m.name} (${m.location})`,
      text: [
        `Model ${m.name} in location ${m.location}`,
        `${m.engine} serving ${m.url}`,
        m.features.join(', '),
        m.resourceProfile ? `profile ${m.resourceProfile}` : undefined,
        `${m.status}, ${m.replicas.ready}/${m.replicas.desired} replicas ready`,
      ]
        .filter(Boolean)
        .join('; '),
      location: `/catalog/${encodeURIComponent(
        m.location,
      )}/resource/${encodeURIComponent(m.name)}`,
      inferenceLocation: m.location,
      engine: m.engine,
    }));
    return Readable.from(documents);
  }
}
