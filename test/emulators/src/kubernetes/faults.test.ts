import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { MODELS, clients, model } from './testUtils';

/** ConfigurationOptions that abort the request after `ms` (client-side timeout). */
function timeout(ms: number) {
  const base = k8s.setHeaderMiddleware('X-Client-Timeout', String(ms));
  return {
    middleware: [
      {
        pre: (ctx: Parameters<typeof base.pre>[0]) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return base.pre(ctx);
        },
        post: base.post,
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
}

describe('kubernetes emulator: fault injection through client-node', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;

  beforeAll(async () => {
    emu = await startKubernetesEmulator({ controller: false });
    c = clients(emu);
    await c.custom.createNamespacedCustomObject({
      ...MODELS,
      namespace: 'default',
      body: model('m'),
    });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  const get = (
    opts?: Parameters<typeof c.custom.getNamespacedCustomObject>[1],
  ) =>
    c.custom.getNamespacedCustomObject(
      { ...MODELS, namespace: 'default', name: 'm' },
      opts,
    );

  it('5xx surfaces as an ApiException with that code, once', async () => {
    emu.faults.inject({
      kind: '5xx',
      status: 503,
      times: 1,
      pathPrefix: '/apis/kubeai.org',
    });
    const err = await get().catch(e => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect(err.code).toBe(503);
    await expect(get()).resolves.toMatchObject({ metadata: { name: 'm' } });
  });

  it('reset surfaces as a network error', async () => {
    emu.faults.inject({ kind: 'reset', times: 1 });
    const err = await get().catch(e => e);
    expect(err).not.toBeInstanceOf(k8s.ApiException);
    expect(String(err.message)).toMatch(/socket hang up|ECONNRESET/);
    await expect(get()).resolves.toBeTruthy();
  });

  it('hang is cut off by a client timeout', async () => {
    emu.faults.inject({ kind: 'hang', times: 1, method: 'GET' });
    const started = Date.now();
    const err = await get(timeout(200)).catch(e => e);
    expect(err.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(get()).resolves.toBeTruthy();
  });

  it('slow delays but still answers', async () => {
    emu.faults.inject({ kind: 'slow', delayMs: 250, times: 1 });
    const started = Date.now();
    await expect(get()).resolves.toMatchObject({ metadata: { name: 'm' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const slowWithTimeout = (() => {
      emu.faults.inject({ kind: 'slow', delayMs: 500, times: 1 });
      return get(timeout(100)).catch(e => e);
    })();
    expect((await slowWithTimeout).name).toBe('AbortError');
  });

  it('faults can be driven over HTTP and also hit watches', async () => {
    const res = await fetch(`${emu.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: '5xx',
        status: 500,
        times: 1,
        pathPrefix: '/apis/kubeai.org/v1/namespaces/default/models',
      }),
    });
    expect(res.status).toBe(201);
    const done = new Promise<unknown>(resolve => {
      void new k8s.Watch(c.kc).watch(
        '/apis/kubeai.org/v1/namespaces/default/models',
        {},
        () => {},
        resolve,
      );
    });
    const err = (await done) as { statusCode?: number };
    expect(err.statusCode).toBe(500);
    expect(emu.faults.applied).toBeGreaterThan(0);
  });
});
