import {
  createFrontendModule,
  createRouteRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { preloadPageIfOpenedAt } from '@internal/backstage-plugin-inference-react';
import { RiHome5Line } from '@remixicon/react';

const loadHomePage = () => import('./HomePage');
preloadPageIfOpenedAt('/', loadHomePage);

/**
 * The home page at `/`, the business at a glance. It replaces the page of
 * the home plugin (`page:home`, same plugin and name), whose template
 * widgets say nothing about inference, and keeps its sidebar item.
 */
export const homePage = PageBlueprint.make({
  params: {
    path: '/',
    title: 'Home',
    routeRef: createRouteRef(),
    icon: <RiHome5Line />,
    loader: () => loadHomePage().then(m => <m.HomePage />),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [homePage],
});
