import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiServerLine } from '@remixicon/react';
import { bareMetalApi } from './api';
import { rootRouteRef } from './routes';

export const nodesPage = PageBlueprint.make({
  params: {
    path: '/inference/nodes',
    title: 'Servers',
    routeRef: rootRouteRef,
    loader: () => import('./components/NodesPage').then(m => <m.NodesPage />),
  },
});

/** Catalog `spec.type` of the server entities (see bare-metal-backend). */
export const SERVER_ENTITY_TYPE = 'bare-metal-server';

/** The "Server" tab of `bare-metal-server` entities: the live Node. */
export const serverEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/server',
    title: 'Server',
    filter: entity =>
      entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
      entity.spec?.type === SERVER_ENTITY_TYPE,
    loader: () =>
      import('./components/ServerEntityContent').then(m => (
        <m.ServerEntityContent />
      )),
  },
});

/**
 * `spec.type` of a location's cluster entity (LOCATION_ENTITY_TYPE of the
 * inference-models plugins, which this plugin does not depend on).
 */
const LOCATION_ENTITY_TYPE = 'kubernetes-cluster';

/**
 * A location's servers and GPUs, shown on the location's "Location" tab (the
 * inference-models plugin's `entity-content:inference-models/location`,
 * input `cards`) beside its Models and gateway. Without that plugin the card
 * is not shown; an app can move it with `attachTo` in its config (e.g. to
 * `entity-content:catalog/overview`, input `cards`), and its filter keeps it
 * on location entities there.
 */
export const locationServersCard = EntityCardBlueprint.make({
  name: 'location-servers',
  attachTo: { id: 'entity-content:inference-models/location', input: 'cards' },
  params: {
    filter: entity =>
      entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
      entity.spec?.type === LOCATION_ENTITY_TYPE,
    loader: () =>
      import('./components/LocationServersCard').then(m => (
        <m.LocationServersCard />
      )),
  },
});

/** Bare-metal servers and GPUs of every location. */
export const bareMetalPlugin = createFrontendPlugin({
  pluginId: 'bare-metal',
  title: 'Servers',
  icon: <RiServerLine />,
  extensions: [
    bareMetalApi,
    nodesPage,
    serverEntityContent,
    locationServersCard,
  ],
  routes: {
    root: rootRouteRef,
  },
});
