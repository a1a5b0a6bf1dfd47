import type { Entity } from '@backstage/catalog-model';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  CellText,
  Flex,
  Grid,
  Link,
  Skeleton,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import {
  ANNOTATION_GATEWAY_URL,
  ANNOTATION_LOCATION,
  GATEWAY_API_NAME,
  gatewayApiEntityRef,
  type ModelSummary,
} from '@internal/backstage-plugin-inference-models-common';
import {
  describeLocationFailure,
  formatCount,
  formatPricePerMillion,
  LocationSectionCard,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { inferenceModelsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';

/** Models shown on the tab; the Models page, filtered by location, has the rest. */
export const LOCATION_MODELS_LIMIT = 100;

/** A card another plugin attaches to the tab, with its optional entity filter. */
export type LocationCard = {
  element: ReactNode;
  filter?: (entity: Entity) => boolean;
};

/** The location a `kubernetes-cluster` entity stands for. */
export function locationOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[ANNOTATION_LOCATION] ??
    (typeof entity.spec?.location === 'string'
      ? entity.spec.location
      : undefined) ??
    entity.metadata.namespace ??
    entity.metadata.name
  );
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Flex direction="column" gap="0">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <div aria-label={props.label}>{props.children}</div>
    </Flex>
  );
}

const priceOf = ({ pricing }: ModelSummary) =>
  pricing?.prompt !== undefined && pricing?.completion !== undefined
    ? `${formatPricePerMillion(pricing.prompt)} / ${formatPricePerMillion(
        pricing.completion,
      )}`
    : 'no price';

type ModelRow = ModelSummary & { id: string; href?: string };

const modelColumns: ColumnConfig<ModelRow>[] = [
  {
    id: 'name',
    label: 'Model',
    isRowHeader: true,
    cell: m => (
      <CellText
        title={m.name}
        description={m.title && m.title !== m.name ? m.title : undefined}
        href={m.href}
      />
    ),
  },
  { id: 'engine', label: 'Engine', cell: m => <CellText title={m.engine} /> },
  {
    id: 'status',
    label: 'Status',
    cell: m => (
      <CellText
        title={m.warnings.length ? `${m.status} (warning)` : m.status}
        description={m.warnings.join('; ') || undefined}
      />
    ),
  },
  {
    id: 'replicas',
    label: 'Ready / desired',
    cell: m => (
      <CellText title={`${m.replicas.ready} / ${m.replicas.desired}`} />
    ),
  },
  {
    id: 'price',
    label: 'In / out per 1M',
    cell: m => <CellText title={priceOf(m)} />,
  },
];

/** The location's gateway (Bifrost) and how its cluster answers. */
function GatewayCard(props: { location: string }) {
  const { location } = props;
  const catalogApi = useApi(catalogApiRef);
  const modelsApi = useApi(inferenceModelsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const gateway = useAsync(
    async () =>
      (await catalogApi.getEntityByRef(gatewayApiEntityRef(location))) as
        | Entity
        | undefined,
    [catalogApi, location],
  );
  const overview = useAsync(
    async () =>
      (await modelsApi.getModelsOverview()).items.find(
        i => i.location === location,
      ),
    [modelsApi, location],
  );
  const gatewayUrl =
    gateway.value?.metadata.annotations?.[ANNOTATION_GATEWAY_URL];
  const gatewayHref = entityRoute?.({
    kind: 'api',
    namespace: location,
    name: GATEWAY_API_NAME,
  });
  const cluster = overview.value?.cluster;
  const models = overview.value?.models;

  let gatewayField: ReactNode;
  if (gateway.loading) gatewayField = <Skeleton width={240} height={20} />;
  else if (gateway.error) {
    gatewayField = (
      <Alert
        status="danger"
        title={describeLocationFailure(
          location,
          'catalog: gateway entity',
          gateway.error,
        )}
      />
    );
  } else if (gatewayUrl) {
    gatewayField = (
      <Flex direction="column" gap="1">
        <Text>{gatewayUrl}</Text>
        {gatewayHref && (
          <Link href={gatewayHref}>
            API entity {gatewayApiEntityRef(location)}
          </Link>
        )}
      </Flex>
    );
  } else {
    gatewayField = (
      <Text>No gateway entity in the catalog for location {location}.</Text>
    );
  }

  let clusterField: ReactNode;
  if (overview.loading) clusterField = <Skeleton width={160} height={20} />;
  else if (overview.error) {
    clusterField = (
      <Alert
        status="danger"
        title={describeLocationFailure(
          location,
          'inference-models backend',
          overview.error,
        )}
      />
    );
  } else if (!cluster) {
    clusterField = <Text>Location {location} is not configured.</Text>;
  } else if (cluster.reachable) {
    clusterField = (
      <Text>
        reachable
        {cluster.latencyMs !== undefined && `, ${cluster.latencyMs} ms`}
      </Text>
    );
  } else {
    clusterField = (
      <Alert
        status="danger"
        title={
          cluster.error ??
          `Location ${location}: kubernetes: the cluster does not answer`
        }
      />
    );
  }

  return (
    <Card>
      <CardHeader>
        <Text variant="title-small">Gateway and cluster</Text>
      </CardHeader>
      <CardBody>
        <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
          <Field label="Gateway (Bifrost) base URL">{gatewayField}</Field>
          <Field label="Kubernetes API">{clusterField}</Field>
          <Field label="Models ready">
            {overview.loading ? (
              <Skeleton width={120} height={20} />
            ) : (
              <Text>
                {models
                  ? `${models.ready} of ${models.total} (replicas ${models.replicas.ready} / ${models.replicas.desired})`
                  : '-'}
              </Text>
            )}
          </Field>
        </Grid.Root>
      </CardBody>
    </Card>
  );
}

/** The location's Models, filtered by location on the backend. */
function ModelsCard(props: { location: string }) {
  const { location } = props;
  const api = useApi(inferenceModelsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const modelsPage = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(
    () => api.listModels({ query: { location, limit: LOCATION_MODELS_LIMIT } }),
    [api, location],
  );
  const rows: ModelRow[] = (value?.items ?? []).map(m => ({
    ...m,
    id: m.name,
    href: entityRoute?.({
      kind: 'resource',
      namespace: m.location,
      name: m.name,
    }),
  }));
  const allHref = modelsPage
    ? `${modelsPage()}?location=${encodeURIComponent(location)}`
    : undefined;

  return (
    <LocationSectionCard
      title={`Models${value ? ` (${formatCount(value.total)})` : ''}`}
      link={
        allHref
          ? { href: allHref, label: `Models of ${location} on the Models page` }
          : undefined
      }
      location={location}
      backend="inference-models backend"
      loading={loading}
      error={error}
      errors={value?.errors}
      isEmpty={rows.length === 0}
      empty={
        <>
          No Models in {location} yet: create one with the Create a Model
          template.
        </>
      }
    >
      {rows.length > 0 && (
        <PlainTable rows={rows} rowId={m => m.id} columns={modelColumns} />
      )}
      {value && value.total > rows.length && (
        <Text color="secondary">
          The first {rows.length} of {formatCount(value.total)}: the Models page
          has them all, with search and filters.
        </Text>
      )}
    </LocationSectionCard>
  );
}

/**
 * The "Location" tab of a location's cluster entity: its gateway and
 * cluster, its Models, then the cards other plugins attach (its servers).
 */
export function LocationEntityContent(props: { cards?: LocationCard[] }) {
  const { entity } = useEntity();
  const location = locationOf(entity);
  const cards = (props.cards ?? []).filter(c => !c.filter || c.filter(entity));
  return (
    <Flex direction="column" gap="4">
      <GatewayCard location={location} />
      <ModelsCard location={location} />
      {cards.map((card, i) => (
        <div key={i}>{card.element}</div>
      ))}
    </Flex>
  );
}
