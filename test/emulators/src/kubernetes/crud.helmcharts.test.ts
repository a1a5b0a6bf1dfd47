/*
 * CRUD of K3s HelmCharts through @kubernetes/client-node: defaults and enum
 * validation.
 */
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { HELMCHARTS, clients, failure, mergePatch } from './testUtils';

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

  describe('HelmCharts', () => {
    it('does CRUD with defaults and enum validation', async () => {
      const body = {
        apiVersion: 'helm.cattle.io/v1',
        kind: 'HelmChart',
        metadata: { name: 'kubeai' },
        spec: {
          chart: 'kubeai',
          repo: 'https://www.kubeai.org',
          targetNamespace: 'kubeai',
          set: { replicas: 2, 'image.tag': 'v1' },
        },
      };
      const created = (await c.custom.createNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        body,
      })) as Obj;
      expect(created.spec.failurePolicy).toBe('reinstall');
      expect(created.spec.set).toEqual({ replicas: 2, 'image.tag': 'v1' });
      const list = (await c.custom.listNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
      })) as Obj;
      expect(list.kind).toBe('HelmChartList');
      const patched = (await c.custom.patchNamespacedCustomObject(
        {
          ...HELMCHARTS,
          namespace: 'kube-system',
          name: 'kubeai',
          body: { spec: { version: '0.22.1' } },
        },
        mergePatch(),
      )) as Obj;
      expect(patched.spec.version).toBe('0.22.1');
      const replaced = (await c.custom.replaceNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
        body: { ...patched, spec: { ...patched.spec, valuesContent: 'a: 1' } },
      })) as Obj;
      expect(replaced.spec.valuesContent).toBe('a: 1');
      const bad = await failure(
        c.custom.patchNamespacedCustomObject(
          {
            ...HELMCHARTS,
            namespace: 'kube-system',
            name: 'kubeai',
            body: { spec: { failurePolicy: 'retry', set: { x: true } } },
          },
          mergePatch(),
        ),
      );
      expect(bad.code).toBe(422);
      const fields = bad.body.details?.causes?.map(x => x.field).sort();
      expect(fields).toEqual(['spec.failurePolicy', 'spec.set.x']);
      await c.custom.deleteNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
      });
      expect(
        (
          await failure(
            c.custom.getNamespacedCustomObject({
              ...HELMCHARTS,
              namespace: 'kube-system',
              name: 'kubeai',
            }),
          )
        ).code,
      ).toBe(404);
    });
  });
});
