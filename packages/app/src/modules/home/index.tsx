import {
  createFrontendModule,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import {
  appOpenedAt,
  askEarly,
  preloadPageIfOpenedAt,
} from '@internal/backstage-plugin-inference-react';
import { RiHome5Line } from '@remixicon/react';
import { HOME_DATA, loadHomeData } from './homeData';

const homeRouteRef = createRouteRef();
const loadHomePage = () => import('./HomePage');
preloadPageIfOpenedAt('/', loadHomePage);

/**
 * The home page at `/`, the business at a glance. It replaces the page of
 * the home plugin (`page:home`, same plugin and name), whose template
 * widgets say nothing about inference, and keeps its sidebar item. Its
 * figures are asked for early: as soon as the app exists when it was opened
 * at `/` (the requests wait for the sign-in, then go while the app renders),
 * otherwise when the route starts loading the page.
 */
export const homePage = PageBlueprint.makeWithOverrides({
  factory(originalFactory, { apis }) {
    const ask = () => {
      const models = apis.get(inferenceModelsApiRef);
      const billing = apis.get(inferenceBillingApiRef);
      const bareMetal = apis.get(bareMetalApiRef);
      const discoveryApi = apis.get(discoveryApiRef);
      const fetchApi = apis.get(fetchApiRef);
      if (!models || !billing || !bareMetal || !discoveryApi || !fetchApi) {
        return;
      }
      askEarly(HOME_DATA, HOME_DATA, () =>
        loadHomeData({ models, billing, bareMetal, discoveryApi, fetchApi }),
      );
    };
    if (appOpenedAt('/')) ask();
    return originalFactory({
      path: '/',
      title: 'Home',
      routeRef: homeRouteRef,
      icon: <RiHome5Line />,
      loader: () => {
        ask();
        return loadHomePage().then(m => <m.HomePage />);
      },
    });
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [homePage],
});
