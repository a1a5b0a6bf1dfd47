import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  inferenceModelReadPermission,
  type ModelListResponse,
  type ModelSummary,
} from '@internal/backstage-plugin-inference-models-common';
import type { PluginApiCaller } from '@internal/backstage-plugin-inference-node';
import { Readable } from 'node:stream';

export const MODEL_DOCUMENT_TYPE = 'inference-model';

/** Models per `GET /models` page: the most the route serves. */
export const PAGE_SIZE = 1000;

/** A search document of one Model deployment in one location. */
export type ModelDocument = IndexableDocument & {
  kind: 'model';
  /** The location the deployment is in, for the search page's location filter. */
  inferenceLocation: string;
  engine: string;
};

/**
 * Search documents for the Models of every location, read from the
 * inference-models plugin's `GET /models` (every page, every location):
 * searching a model name finds its deployment in each location. Locations
 * that cannot be read are skipped until the next run.
 */
export class ModelCollatorFactory implements DocumentCollatorFactory {
  readonly type = MODEL_DOCUMENT_TYPE;
  readonly visibilityPermission = inferenceModelReadPermission;

  /** `api` calls the inference-models plugin. */
  constructor(private readonly api: PluginApiCaller) {}

  async getCollator(): Promise<Readable> {
    return Readable.from((await this.listModels()).map(toDocument));
  }

  /**
   * Every Model of the locations that could be read, page after page. A
   * Model created or deleted while the pages are read may shift them: each
   * deployment is kept once, and the next run sees what this one missed.
   */
  private async listModels(): Promise<ModelSummary[]> {
    const models = new Map<string, ModelSummary>();
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page: ModelListResponse = await this.api.request<ModelListResponse>(
        {
          method: 'GET',
          path: `/models?limit=${PAGE_SIZE}&offset=${offset}`,
        },
      );
      for (const model of page.items) {
        models.set(`${model.location}/${model.name}`, model);
      }
      offset = page.nextOffset;
    }
    return [...models.values()];
  }
}

function toDocument(m: ModelSummary): ModelDocument {
  return {
    kind: 'model',
    title: withLocation(m.title ?? m.name, m.location),
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
  };
}

/**
 * A title that tells the deployments of one model apart: the location in
 * parentheses, unless the title names it already (display names may say
 * where the same model runs elsewhere, e.g. "Qwen2.5-0.5B-Instruct (pr)").
 */
export function withLocation(title: string, location: string): string {
  const escaped = location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = new RegExp(
    `(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`,
    'iu',
  );
  return named.test(title) ? title : `${title} (${location})`;
}
