/*
 * The portal backend runs the billing plugin unless discovery sends
 * `inference-billing` to another backend (a split deployment). The plugin
 * is a stand-in here, answering `/health` as the real one does; the real
 * split is splitDeployment.test.ts.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import request from 'supertest';
import billingPluginLoader, { servedElsewhere } from './billingPlugin';

jest.mock('@internal/backstage-plugin-inference-billing-backend', () => {
  const api = jest.requireActual('@backstage/backend-plugin-api');
  const express = jest.requireActual('express');
  return {
    __esModule: true,
    default: api.createBackendPlugin({
      pluginId: 'inference-billing',
      register(env: any) {
        env.registerInit({
          deps: { http: api.coreServices.httpRouter },
          async init({ http }: any) {
            const router = express.Router();
            router.get('/health', (_req: any, res: any) =>
              res.json({ status: 'ok' }),
            );
            http.use(router);
            http.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
          },
        });
      },
    }),
  };
});

// eslint-disable-next-line no-restricted-syntax -- the repo's infra files
const root = path.resolve(__dirname, '../../..');

const portalDiscovery = yaml.load(
  fs.readFileSync(
    path.join(root, 'infra/kubernetes/base/app-config.portal.yaml'),
    'utf8',
  ),
) as any;

/** A plugin that is always there, to tell "no billing plugin" from "no backend". */
const other = createBackendPlugin({
  pluginId: 'other',
  register(env) {
    env.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        http.use((_req, res) => {
          res.json({ ok: true });
        });
        http.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

async function start(config: object) {
  const { server } = await startTestBackend({
    features: [
      billingPluginLoader,
      other,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return server;
}

describe('servedElsewhere', () => {
  it('is true when a discovery endpoint lists the plugin', () => {
    expect(
      servedElsewhere(new ConfigReader(portalDiscovery), 'inference-billing'),
    ).toBe(true);
  });

  it.each([
    ['no discovery config', {}],
    ['no endpoints', { discovery: {} }],
    [
      'endpoints for other plugins',
      {
        discovery: {
          endpoints: [
            { target: 'http://portal/api/{{pluginId}}', plugins: ['catalog'] },
          ],
        },
      },
    ],
  ])('is false with %s', (_, config) => {
    expect(servedElsewhere(new ConfigReader(config), 'inference-billing')).toBe(
      false,
    );
  });
});

describe('the billing plugin loader', () => {
  it('adds the billing plugin to a backend whose discovery does not route it away', async () => {
    const server = await start({});
    expect((await request(server).get('/api/other/x')).status).toBe(200);
    expect(
      (await request(server).get('/api/inference-billing/health')).status,
    ).toBe(200);
  });

  it("leaves it out when discovery routes it to another backend (the split deployment's portal)", async () => {
    const server = await start(portalDiscovery);
    expect((await request(server).get('/api/other/x')).status).toBe(200);
    expect(
      (await request(server).get('/api/inference-billing/health')).status,
    ).toBe(404);
  });
});
