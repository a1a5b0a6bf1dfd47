/*
 * What kubectl and the Backstage Kubernetes plugin read besides CRUD:
 * aggregated discovery, OpenAPI v3, Table answers (server-side printing),
 * managedFields and apply conflicts, the kinds the plugin lists.
 */
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import {
  BACKSTAGE_PLUGIN_KINDS,
  model,
  node,
  pluginListPath,
  raw,
} from './testUtils';
import { humanDuration } from './table';

type Obj = Record<string, any>;

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const MODELS = '/apis/kubeai.org/v1/namespaces/kubeai/models';

describe('kubernetes emulator: what kubectl and Backstage read', () => {
  let emu: KubernetesEmulator;

  beforeEach(async () => {
    emu = await startKubernetesEmulator({ controller: false });
    emu.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      node('node1', { gpu: true }),
    ]);
  });
  afterEach(() => emu.close());

  const apply = (path: string, body: object, query: string) =>
    raw(emu, `${path}?${query}`, {
      method: 'PATCH',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });

  describe('discovery', () => {
    it('serves aggregated discovery v2 on /apis when asked first, with subresources', async () => {
      const res = await raw(emu, '/apis', { headers: { Accept: AGGREGATED } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      );
      const body = res.json() as Obj;
      expect(body).toMatchObject({
        kind: 'APIGroupDiscoveryList',
        apiVersion: 'apidiscovery.k8s.io/v2',
      });
      const kubeai = body.items.find(
        (i: Obj) => i.metadata.name === 'kubeai.org',
      );
      const models = kubeai.versions[0].resources.find(
        (r: Obj) => r.resource === 'models',
      );
      expect(models).toMatchObject({
        responseKind: { group: 'kubeai.org', version: 'v1', kind: 'Model' },
        scope: 'Namespaced',
        singularResource: 'model',
      });
      expect(models.subresources.map((s: Obj) => s.subresource).sort()).toEqual(
        ['scale', 'status'],
      );
      expect(body.items.some((i: Obj) => i.metadata.name === undefined)).toBe(
        false,
      );
    });

    it('serves the core group on /api and the legacy documents to plain JSON clients', async () => {
      const core = (
        await raw(emu, '/api', { headers: { Accept: AGGREGATED } })
      ).json() as Obj;
      expect(core.items).toHaveLength(1);
      expect(core.items[0].versions[0].version).toBe('v1');
      const legacy = await raw(emu, '/apis', {
        headers: { Accept: 'application/json, */*' },
      });
      expect(legacy.headers.get('content-type')).toBe('application/json');
      expect((legacy.json() as Obj).kind).toBe('APIGroupList');
    });

    it("lists the Backstage Kubernetes plugin's kinds by label selector", async () => {
      const qwen = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'qwen',
          namespace: 'kubeai',
          labels: { model: 'qwen' },
        },
        spec: { ports: [{ port: 80 }] },
      };
      emu.seed([
        qwen,
        { ...qwen, metadata: { ...qwen.metadata, name: 'other', labels: {} } },
      ]);
      for (const kind of BACKSTAGE_PLUGIN_KINDS) {
        // With the entity's namespace annotation, and without (all namespaces).
        for (const ns of ['kubeai', undefined]) {
          const path = pluginListPath(kind, 'model=qwen', ns);
          const res = await raw(emu, path);
          expect({ path, status: res.status }).toEqual({ path, status: 200 });
          const body = res.json() as Obj;
          expect(body).toMatchObject({
            kind: kind[2],
            apiVersion: kind[0].replace(/^\/apis?\//, ''),
            metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
          });
          expect(body.items.map((i: Obj) => i.metadata.name)).toEqual(
            kind[1] === 'services' ? ['qwen'] : [],
          );
        }
      }
    });
  });

  describe('OpenAPI v3', () => {
    it('lists a document per group/version with a hash, served immutable when the hash matches', async () => {
      const root = (await raw(emu, '/openapi/v3')).json() as Obj;
      const url: string = root.paths['apis/kubeai.org/v1'].serverRelativeURL;
      expect(url).toMatch(
        /^\/openapi\/v3\/apis\/kubeai\.org\/v1\?hash=[0-9A-F]{128}$/,
      );
      expect(root.paths['api/v1']).toBeDefined();
      const doc = await raw(emu, url);
      expect(doc.status).toBe(200);
      expect(doc.headers.get('cache-control')).toBe('public, immutable');
      const unhashed = await raw(emu, '/openapi/v3/apis/kubeai.org/v1');
      expect(unhashed.headers.get('cache-control')).toBeNull();
      expect(unhashed.headers.get('etag')).toBe(`"${url.split('hash=')[1]}"`);
      const stale = await fetch(
        `${emu.url}/openapi/v3/apis/kubeai.org/v1?hash=0`,
        {
          headers: { Authorization: `Bearer ${emu.token}` },
          redirect: 'manual',
        },
      );
      expect(stale.status).toBe(301);
      expect(stale.headers.get('location')).toBe(url);
      expect((await raw(emu, '/openapi/v2')).status).toBe(404);
    });

    it('declares fieldValidation on PATCH of each kind, and no strategic merge patch for custom resources', async () => {
      const doc = (
        await raw(emu, '/openapi/v3/apis/kubeai.org/v1')
      ).json() as Obj;
      const item =
        doc.paths['/apis/kubeai.org/v1/namespaces/{namespace}/models/{name}'];
      expect(item.patch['x-kubernetes-group-version-kind']).toEqual({
        group: 'kubeai.org',
        version: 'v1',
        kind: 'Model',
      });
      expect(item.patch.parameters.map((p: Obj) => p.name)).toContain(
        'fieldValidation',
      );
      expect(Object.keys(item.patch.requestBody.content).sort()).toEqual([
        'application/apply-patch+yaml',
        'application/json-patch+json',
        'application/merge-patch+json',
      ]);
      expect(
        doc.components.schemas['org.kubeai.v1.Model'][
          'x-kubernetes-group-version-kind'
        ],
      ).toEqual([{ group: 'kubeai.org', kind: 'Model', version: 'v1' }]);
      // Built-in kinds: no field schemas are published, so no strategic
      // merge patch media type either (kubectl then uses its own types).
      const core = (await raw(emu, '/openapi/v3/api/v1')).json() as Obj;
      const nodePatch = core.paths['/api/v1/nodes/{name}'].patch;
      expect(nodePatch.parameters.map((p: Obj) => p.name)).toContain(
        'fieldValidation',
      );
      expect(Object.keys(nodePatch.requestBody.content)).not.toContain(
        'application/strategic-merge-patch+json',
      );
    });
  });

  describe('server-side printing', () => {
    it('answers kubectl get with a Table: Name and Age for Models (no printer columns in the CRD)', async () => {
      await raw(emu, MODELS, {
        method: 'POST',
        body: JSON.stringify(model('qwen')),
        headers: { 'Content-Type': 'application/json' },
      });
      const res = await raw(emu, MODELS, { headers: { Accept: TABLE } });
      expect(res.headers.get('content-type')).toBe(
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      );
      const t = res.json() as Obj;
      expect(t.kind).toBe('Table');
      expect(t.columnDefinitions.map((c: Obj) => c.name)).toEqual([
        'Name',
        'Age',
      ]);
      expect(t.rows[0].cells[0]).toBe('qwen');
      expect(t.rows[0].cells[1]).toMatch(/^\d+s$/);
      expect(t.rows[0].object).toMatchObject({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { name: 'qwen' },
      });
      const full = (
        await raw(emu, `${MODELS}?includeObject=Object`, {
          headers: { Accept: TABLE },
        })
      ).json() as Obj;
      expect(full.rows[0].object.spec.engine).toBe('VLLM');
      const one = (
        await raw(emu, `${MODELS}/qwen`, { headers: { Accept: TABLE } })
      ).json() as Obj;
      expect(one.rows).toHaveLength(1);
    });

    it('prints nodes with the columns of the node printer', async () => {
      emu.seed([
        { ...node('node2', { ready: false }), spec: { unschedulable: true } },
      ]);
      const t = (
        await raw(emu, '/api/v1/nodes', { headers: { Accept: TABLE } })
      ).json() as Obj;
      expect(
        t.columnDefinitions
          .filter((c: Obj) => c.priority === 0)
          .map((c: Obj) => c.name),
      ).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
      const rows = Object.fromEntries(
        t.rows.map((r: Obj) => [r.cells[0], r.cells]),
      );
      expect(rows.node1.slice(1, 3)).toEqual(['Ready', 'worker']);
      expect(rows.node1[5]).toBe('10.0.0.5');
      expect(rows.node2[1]).toBe('NotReady,SchedulingDisabled');
    });

    it('sends one-row Tables in watch events, column definitions only in the first', async () => {
      await raw(emu, MODELS, {
        method: 'POST',
        body: JSON.stringify(model('a')),
        headers: { 'Content-Type': 'application/json' },
      });
      await raw(emu, MODELS, {
        method: 'POST',
        body: JSON.stringify(model('b')),
        headers: { 'Content-Type': 'application/json' },
      });
      const res = await raw(emu, `${MODELS}?watch=true&timeoutSeconds=1`, {
        headers: { Accept: TABLE },
      });
      const events = res.text
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      expect(
        events.map(e => [e.type, e.object.kind, e.object.rows[0].cells[0]]),
      ).toEqual([
        ['ADDED', 'Table', 'a'],
        ['ADDED', 'Table', 'b'],
      ]);
      expect(events[0].object.columnDefinitions).toHaveLength(2);
      expect(events[1].object.columnDefinitions).toBeUndefined();
    });

    it('formats ages like HumanDuration', () => {
      expect(humanDuration(119_000)).toBe('119s');
      expect(humanDuration(125_000)).toBe('2m5s');
      expect(humanDuration(600_000)).toBe('10m');
      expect(humanDuration(3 * 3600_000 + 60_000)).toBe('3h1m');
      expect(humanDuration(50 * 3600_000)).toBe('2d2h');
      expect(humanDuration(-5000)).toBe('<invalid>');
    });
  });

  describe('managedFields and server-side apply', () => {
    const config = (maxReplicas: number, extra: Obj = {}) => ({
      ...model('qwen', { minReplicas: 1, maxReplicas, ...extra }),
      metadata: { name: 'qwen', namespace: 'kubeai' },
    });

    it('records the manager of a create (fieldManager, else the User-Agent up to "/")', async () => {
      const res = await raw(emu, MODELS, {
        method: 'POST',
        body: JSON.stringify(model('qwen')),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'inference-portal/1.0 (x)',
        },
      });
      const mf = (res.json() as Obj).metadata.managedFields;
      expect(mf).toHaveLength(1);
      expect(mf[0]).toMatchObject({
        manager: 'inference-portal',
        operation: 'Update',
        apiVersion: 'kubeai.org/v1',
        fieldsType: 'FieldsV1',
      });
      expect(mf[0].fieldsV1['f:spec']['f:engine']).toEqual({});
      expect(mf[0].fieldsV1['f:metadata']).toBeUndefined();
    });

    it('refuses an apply without fieldManager with 422', async () => {
      const res = await apply(`${MODELS}/qwen`, config(1), '');
      expect(res.status).toBe(422);
      expect((res.json() as Obj).details.causes[0]).toMatchObject({
        field: 'fieldManager',
        reason: 'FieldValueRequired',
      });
    });

    it('refuses force on a non-apply patch with 422', async () => {
      await apply(`${MODELS}/qwen`, config(1), 'fieldManager=a');
      const res = await raw(emu, `${MODELS}/qwen?force=true`, {
        method: 'PATCH',
        body: JSON.stringify({ spec: { maxReplicas: 2 } }),
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      expect(res.status).toBe(422);
      expect((res.json() as Obj).message).toBe(
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
      );
    });

    it('refuses changing a field another manager owns with 409 FieldManagerConflict, unless forced', async () => {
      expect(
        (await apply(`${MODELS}/qwen`, config(1), 'fieldManager=a')).status,
      ).toBe(201);
      const res = await apply(`${MODELS}/qwen`, config(3), 'fieldManager=b');
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message:
          'Apply failed with 1 conflict: conflict with "a": .spec.maxReplicas',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "a"',
              field: '.spec.maxReplicas',
            },
          ],
        },
      });
      expect(
        emu.get('kubeai.org/v1', 'Model', 'kubeai', 'qwen')?.spec,
      ).toMatchObject({ maxReplicas: 1 });
      // Same value: shared ownership, no conflict.
      expect(
        (await apply(`${MODELS}/qwen`, config(1), 'fieldManager=b')).status,
      ).toBe(200);
      const forced = await apply(
        `${MODELS}/qwen`,
        config(3),
        'fieldManager=b&force=true',
      );
      expect(forced.status).toBe(200);
      const managers = (forced.json() as Obj).metadata.managedFields;
      const a = managers.find((m: Obj) => m.manager === 'a');
      expect(a.fieldsV1['f:spec']['f:maxReplicas']).toBeUndefined();
    });

    it('removes a field its applier stops sending when nobody else owns it', async () => {
      await apply(
        `${MODELS}/qwen`,
        config(1, { replicas: 1 }),
        'fieldManager=a',
      );
      const res = await apply(`${MODELS}/qwen`, config(1), 'fieldManager=a');
      expect((res.json() as Obj).spec.replicas).toBeUndefined();
    });

    it('moves ownership of fields changed by an update to its manager', async () => {
      await apply(`${MODELS}/qwen`, config(1), 'fieldManager=a');
      const res = await raw(emu, `${MODELS}/qwen?fieldManager=portal`, {
        method: 'PATCH',
        body: JSON.stringify({ spec: { maxReplicas: 2 } }),
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      const mf = (res.json() as Obj).metadata.managedFields;
      expect(mf.find((m: Obj) => m.manager === 'portal')).toMatchObject({
        operation: 'Update',
        fieldsV1: { 'f:spec': { 'f:maxReplicas': {} } },
      });
      expect(
        mf.find((m: Obj) => m.manager === 'a').fieldsV1['f:spec'][
          'f:maxReplicas'
        ],
      ).toBeUndefined();
      // The applier now conflicts with the portal's update.
      const again = await apply(`${MODELS}/qwen`, config(1), 'fieldManager=a');
      expect(again.status).toBe(409);
      expect((again.json() as Obj).message).toMatch(
        /^Apply failed with 1 conflict: conflict with "portal" using kubeai\.org\/v1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: \.spec\.maxReplicas$/,
      );
    });
  });
});
