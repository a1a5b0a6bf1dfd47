/*
 * Authentication and discovery of the Kubernetes emulator through
 * @kubernetes/client-node: 401s, /version, /api, /apis, APIResourceLists, the
 * discovery-driven KubernetesObjectApi, 404 and 405 answers.
 */
import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { clients, failure, model, raw } from './testUtils';

type Obj = Record<string, any>;

describe('kubernetes emulator: CRUD with @kubernetes/client-node', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const ns = 'kubeai';

  beforeAll(async () => {
    emu = await startKubernetesEmulator({ controller: false });
    emu.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]);
    c = clients(emu);
  });
  afterAll(() => emu.close());

  describe('auth and discovery', () => {
    it('answers 401 Unauthorized without or with a wrong token, everywhere', async () => {
      for (const path of [
        '/version',
        '/api/v1/namespaces',
        '/apis/kubeai.org/v1/models',
        '/nope',
      ]) {
        const res = await raw(emu, path, { token: null });
        expect(res.status).toBe(401);
        expect(res.json()).toEqual({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
      }
      const wrong = clients(emu, 'not-the-token');
      const err = await failure(wrong.core.listNamespace());
      expect(err.code).toBe(401);
    });

    it('serves /version, /api, /apis and APIResourceLists', async () => {
      const version = (await raw(emu, '/version')).json() as Obj;
      expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+\+k3s1$/);
      expect((await raw(emu, '/api')).json()).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });
      const groups = (await raw(emu, '/apis')).json() as Obj;
      expect(groups.groups.map((g: Obj) => g.name)).toEqual(
        expect.arrayContaining([
          'batch',
          'kubeai.org',
          'helm.cattle.io',
          'apiextensions.k8s.io',
        ]),
      );
      const list = (await raw(emu, '/apis/kubeai.org/v1')).json() as Obj;
      const names = list.resources.map((r: Obj) => r.name);
      expect(names).toEqual(['models', 'models/scale', 'models/status']);
      expect(list.resources[1]).toMatchObject({
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      });
      const core = (await raw(emu, '/api/v1')).json() as Obj;
      expect(
        core.resources.find((r: Obj) => r.name === 'pods/log'),
      ).toBeTruthy();
      const crd = (await c.kc
        .makeApiClient(k8s.ApiextensionsV1Api)
        .readCustomResourceDefinition({ name: 'models.kubeai.org' })) as Obj;
      expect(
        crd.status.conditions.find((x: Obj) => x.type === 'Established').status,
      ).toBe('True');
    });

    it('works with the discovery-driven KubernetesObjectApi', async () => {
      const objects = k8s.KubernetesObjectApi.makeApiClient(c.kc);
      const created = (await objects.create(
        model('via-object-api'),
        undefined,
        undefined,
        undefined,
        undefined,
      )) as Obj;
      expect(created.metadata.namespace).toBe('default');
      const read = (await objects.read({
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
        metadata: { name: 'via-object-api', namespace: 'default' },
      })) as Obj;
      expect(read.spec.targetRequests).toBe(100);
    });

    it('answers unknown paths with a 404 Status and unsupported verbs with 405', async () => {
      const res = await raw(emu, '/apis/nope.example.com/v1/things');
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
      expect(
        (await raw(emu, '/api/v1/namespaces/default/widgets')).status,
      ).toBe(404);
      const post = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models/x`,
        { method: 'POST', body: '{}' },
      );
      expect(post.status).toBe(405);
      expect(post.json()).toMatchObject({
        reason: 'MethodNotAllowed',
        code: 405,
      });
    });
  });
});
