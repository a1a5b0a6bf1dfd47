/*
 * The config a deployed replica reads (app-config.yaml,
 * app-config.production.yaml, then the ConfigMap's
 * app-config.cluster.yaml and the overlay's app-config.location.yaml), with
 * the environment the Deployment gives it, validated against the config
 * schema of every package of the backend and the frontend; then what the
 * backend and the browser get out of it.
 */
import { HostDiscovery } from '@backstage/backend-defaults/discovery';
import { ConfigReader } from '@backstage/config';
import { loadConfig, loadConfigSchema } from '@backstage/config-loader';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import path from 'node:path';
import {
  findGenerated,
  kubernetesDir,
  kustomize,
  overlayNames,
  overlaysDir,
  repoRoot,
} from './render';

jest.setTimeout(120_000);

type Schema = Awaited<ReturnType<typeof loadConfigSchema>>;
let schema: Schema;

beforeAll(async () => {
  // Both backend packages of the image (the billing one's plugins are the
  // portal's too today) and the frontend.
  schema = await loadConfigSchema({
    dependencies: ['backend', 'backend-billing', 'app'],
  });
});

async function load(files: string[], env: Record<string, string>) {
  const { appConfigs } = await loadConfig({
    configRoot: repoRoot,
    configTargets: files.map(f => ({ path: f })),
    experimentalEnvFunc: async name => env[name],
  });
  return appConfigs;
}

describe('the sandbox config (app-config.yaml alone)', () => {
  it('still shows the browser the guest provider and no OIDC', async () => {
    const configs = await load([path.join(repoRoot, 'app-config.yaml')], {});
    const frontend = ConfigReader.fromConfigs(
      schema.process(configs, { visibility: ['frontend'] }),
    );
    expect(frontend.has('auth.providers.guest')).toBe(true);
    // Only the key: the guest's entity refs stay on the backend.
    expect(frontend.getConfig('auth.providers.guest').keys()).toEqual([]);
    expect(frontend.has('auth.providers.oidc')).toBe(false);
  });
});

describe.each(overlayNames())('config of a %s replica', location => {
  let env: Record<string, string>;
  let configs: Awaited<ReturnType<typeof load>>;

  beforeAll(async () => {
    const objects = kustomize(path.join(overlaysDir, location));
    // Plain values from the env ConfigMap, stand-ins for the secrets.
    const envCm = findGenerated(objects, 'ConfigMap', 'inference-portal-env');
    env = { ...envCm.data };
    const deployment = objects.find(o => o.kind === 'Deployment')!;
    for (const e of deployment.spec.template.spec.containers[0].env) {
      env[e.name] = e.value ?? `secret-of-${e.name.toLowerCase()}`;
    }
    configs = await load(
      [
        path.join(repoRoot, 'app-config.yaml'),
        path.join(repoRoot, 'app-config.production.yaml'),
        path.join(kubernetesDir, 'base/app-config.cluster.yaml'),
        path.join(overlaysDir, location, 'app-config.location.yaml'),
      ],
      env,
    );
  });

  it('validates against the config schema of the backend and the frontend', () => {
    expect(() => schema.process(configs)).not.toThrow();
    // The schema does check the merged config: a value of the wrong type,
    // or a location without its domain, in the last file is refused.
    const broken = (data: object) => [...configs, { context: 'broken', data }];
    expect(() =>
      schema.process(broken({ inference: { http: { timeoutMs: 'soon' } } })),
    ).toThrow(/timeoutMs/);
    expect(() =>
      schema.process(
        broken({
          inference: {
            locations: [
              {
                name: location,
                countryCode: 'RO',
                cluster: location,
                bifrost: { baseUrl: 'https://b' },
              },
            ],
          },
        }),
      ),
    ).toThrow(/domain/);
  });

  it.each([
    ['portal', 'inference-billing', 'inference-portal-billing'],
    ['billing', 'catalog', 'inference-portal'],
  ])(
    'validates with the %s backend discovery file, which sends %s to %s',
    async (role, pluginId, service) => {
      const roleConfigs = [
        ...configs,
        ...(await load(
          [path.join(kubernetesDir, `base/app-config.${role}.yaml`)],
          env,
        )),
      ];
      expect(() => schema.process(roleConfigs)).not.toThrow();
      const discovery = HostDiscovery.fromConfig(
        ConfigReader.fromConfigs(roleConfigs),
      );
      await expect(discovery.getBaseUrl(pluginId)).resolves.toBe(
        `http://${service}.inference-portal.svc.cluster.local/api/${pluginId}`,
      );
      // The browser goes through the Ingress.
      await expect(discovery.getExternalBaseUrl(pluginId)).resolves.toBe(
        `https://portal.${location}.inferencebros.com/api/${pluginId}`,
      );
      // The plugins it runs itself stay in the process.
      const own = role === 'portal' ? 'catalog' : 'inference-billing';
      await expect(discovery.getBaseUrl(own)).resolves.toBe(
        `http://localhost:7007/api/${own}`,
      );
    },
  );

  it('gives the backend PostgreSQL, OIDC and no guest, and a restricted static key', () => {
    const config = ConfigReader.fromConfigs(configs);
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.connection.host')).toBe(
      env.POSTGRES_HOST,
    );
    expect(config.has('auth.providers.guest')).toBe(false);
    const oidc = config.getConfig('auth.providers.oidc.production');
    expect(oidc.getString('metadataUrl')).toBe(
      `https://dex.${location}.inferencebros.com/.well-known/openid-configuration`,
    );
    expect(oidc.getString('clientSecret')).toBe(env.OIDC_CLIENT_SECRET);
    expect(config.getString('app.baseUrl')).toBe(
      `https://portal.${location}.inferencebros.com`,
    );
    expect(config.getString('backend.baseUrl')).toBe(
      config.getString('app.baseUrl'),
    );
    const access = config.getConfigArray('backend.auth.externalAccess');
    expect(access).toHaveLength(1);
    expect(access[0].getString('options.token')).toBe(
      env.PORTAL_CONTROL_API_TOKEN,
    );
    expect(access[0].get('accessRestrictions')).toEqual([
      {
        plugin: 'inference-billing',
        permission: ['inference.usage.read', 'inference.invoice.generate'],
      },
    ]);
  });

  it('shows the browser the OIDC provider only, without its secret', () => {
    const frontend = ConfigReader.fromConfigs(
      schema.process(configs, { visibility: ['frontend'] }),
    );
    expect(frontend.has('auth.providers.guest')).toBe(false);
    expect(frontend.has('auth.providers.oidc')).toBe(true);
    expect(JSON.stringify(frontend.get())).not.toContain(
      env.OIDC_CLIENT_SECRET,
    );
    expect(frontend.getString('auth.environment')).toBe('production');
  });

  it('configures exactly this location, as the plugins read it', () => {
    const locations = ConfigInferenceLocationsService.fromConfig(
      ConfigReader.fromConfigs(configs),
    ).list();
    expect(locations.map(l => l.name)).toEqual([location]);
    expect(locations[0].domain).toBe(`${location}.inferencebros.com`);
  });
});
