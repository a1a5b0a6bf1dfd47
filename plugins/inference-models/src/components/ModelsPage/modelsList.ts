import type { InferenceModelsApi } from '@internal/backstage-plugin-inference-models-common';
import {
  toListPageQuery,
  type LocationTablePage,
  type LocationTableQuery,
} from '@internal/backstage-plugin-inference-react';
import type { ModelRow } from './ModelsTable';

/**
 * The Models list as the page asks the backend for it. Kept apart from the
 * page's components: the plugin's route prefetches the first page with it
 * before the page's code has loaded.
 */
export const MODELS_LIST = 'inference-models.models';

export const MODEL_FILTERS = [
  'location',
  'engine',
  'feature',
  'status',
] as const;

type ModelFilter = (typeof MODEL_FILTERS)[number];

type ListModelsQuery = NonNullable<
  NonNullable<Parameters<InferenceModelsApi['listModels']>[0]>['query']
>;

const SORTS = [
  'location',
  'name',
  'engine',
  'status',
  'replicas',
  'price',
] as const;

/** Loads one page of Models for a table query (search, filters, sort). */
export function modelsLoader(api: InferenceModelsApi) {
  return async ({
    offset,
    limit,
    search,
    filters,
    sort,
    signal,
  }: LocationTableQuery<ModelFilter>): Promise<LocationTablePage<ModelRow>> => {
    const page = await api.listModels(
      {
        query: {
          ...toListPageQuery({ offset, limit, search, filters }),
          ...(filters.engine && {
            engine: filters.engine as ListModelsQuery['engine'],
          }),
          ...(filters.feature && {
            feature: filters.feature as ListModelsQuery['feature'],
          }),
          ...(filters.status && {
            status: filters.status as ListModelsQuery['status'],
          }),
          ...(sort &&
            (SORTS as readonly string[]).includes(sort.column) && {
              sort: sort.column as ListModelsQuery['sort'],
              order: sort.order,
            }),
        },
      },
      { signal },
    );
    return {
      ...page,
      items: page.items.map(m => ({ ...m, id: `${m.location}/${m.name}` })),
    };
  };
}
