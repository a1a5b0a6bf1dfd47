import { KubernetesEmulator, startKubernetesEmulator } from './index';
import {
  PatchError,
  jsonPatch,
  mergePatch,
  strategicMergePatch,
} from './patch';
import { applyDefaults, prune } from './schema';
import { matchLabels, parseLabelSelector } from './selectors';
import { raw } from './testUtils';
import { ResourceRegistry } from './resources';

describe('kubernetes emulator internals', () => {
  describe('patches', () => {
    it('merge patch (RFC 7386)', () => {
      expect(
        mergePatch(
          { a: 1, b: { c: 2, d: 3 }, l: [1, 2] },
          { b: { c: null, e: 4 }, l: [3] },
        ),
      ).toEqual({
        a: 1,
        b: { d: 3, e: 4 },
        l: [3],
      });
    });

    it('JSON patch (RFC 6902) ops and errors', () => {
      const doc = { a: { b: [1, 2] }, c: 'x' };
      expect(
        jsonPatch(doc, [
          { op: 'add', path: '/a/b/1', value: 9 },
          { op: 'remove', path: '/c' },
          { op: 'copy', from: '/a/b/0', path: '/d' },
          { op: 'move', from: '/d', path: '/e' },
          { op: 'add', path: '/a~1b', value: true },
        ]),
      ).toEqual({ a: { b: [1, 9, 2] }, e: 1, 'a/b': true });
      expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
      expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(
        PatchError,
      );
      expect(() => jsonPatch(doc, { op: 'add' })).toThrow(
        /cannot unmarshal object/,
      );
      expect(() =>
        jsonPatch(doc, [{ op: 'add', path: '/__proto__/x', value: 1 }]),
      ).toThrow(PatchError);
    });

    it('strategic merge patch merges keyed lists and honours directives', () => {
      const pod = {
        metadata: { finalizers: ['a'] },
        spec: {
          containers: [
            { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }] },
            { name: 'side', image: 'side:1' },
          ],
          tolerations: [{ key: 'x' }],
        },
      };
      const out = strategicMergePatch(pod, {
        metadata: { finalizers: ['b'] },
        spec: {
          containers: [
            { name: 'app', env: [{ name: 'B', value: '2' }] },
            { name: 'side', $patch: 'delete' },
          ],
          tolerations: [{ key: 'y' }],
        },
      });
      expect(out).toEqual({
        metadata: { finalizers: ['a', 'b'] },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
          ],
          tolerations: [{ key: 'y' }],
        },
      });
    });
  });

  describe('selectors', () => {
    it('parses and matches set-based requirements', () => {
      const sel = parseLabelSelector(
        'env in (prod,staging), !legacy, tier!=db, team',
      );
      expect(matchLabels(sel, { env: 'prod', team: 'a' })).toBe(true);
      expect(matchLabels(sel, { env: 'prod', team: 'a', legacy: '1' })).toBe(
        false,
      );
      expect(matchLabels(sel, { env: 'dev', team: 'a' })).toBe(false);
      expect(matchLabels(sel, { env: 'prod' })).toBe(false);
      expect(matchLabels(parseLabelSelector('n>3'), { n: '4' })).toBe(true);
      expect(() => parseLabelSelector('a=b c')).toThrow();
    });
  });

  describe('structural schema', () => {
    it('defaults nested objects and prunes unknown fields', () => {
      const registry = new ResourceRegistry();
      const schema = registry.byKind('kubeai.org/v1', 'Model')!.schema!;
      const obj: Record<string, unknown> = {
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
        metadata: { name: 'x' },
        spec: {
          url: 'hf://a/b',
          engine: 'VLLM',
          features: [],
          env: { A: 'b' },
          envFrom: [{ configMapRef: {}, junk: 1 }],
        },
        junk: true,
      };
      applyDefaults(obj, schema);
      expect(prune(obj, schema).sort()).toEqual([
        'junk',
        'spec.envFrom[0].junk',
      ]);
      expect(obj.spec).toMatchObject({
        targetRequests: 100,
        scaleDownDelaySeconds: 30,
        env: { A: 'b' },
        envFrom: [{ configMapRef: { name: '' } }],
        loadBalancing: {
          strategy: 'LeastLoad',
          prefixHash: {
            meanLoadFactor: 125,
            replication: 256,
            prefixCharLength: 100,
          },
        },
      });
    });
  });

  describe('robustness', () => {
    let emu: KubernetesEmulator;
    beforeAll(async () => {
      emu = await startKubernetesEmulator({ controller: false });
    });
    afterAll(() => emu.close());

    it('never crashes on garbage input', async () => {
      const paths = [
        '/api/v1/namespaces/default/pods',
        '/api/v1/namespaces/default/pods/x',
        '/apis/kubeai.org/v1/namespaces/default/models',
        '/apis/kubeai.org/v1/namespaces/default/models/x/scale',
        '/apis/helm.cattle.io/v1/namespaces/default/helmcharts/x/status',
        '/api/v1/nodes/%E0%A4%A',
        '/api/v1/watch/namespaces/default/pods?resourceVersion=abc',
      ];
      const bodies = [
        '',
        'null',
        '42',
        '"str"',
        '[]',
        '{"metadata": 5}',
        '{"apiVersion": 1, "kind": {}}',
        '{{{',
        '\u0000',
      ];
      const types = [
        'application/json',
        'application/merge-patch+json',
        'application/json-patch+json',
        'application/yaml',
        'text/plain',
      ];
      const errorResponses: Array<{ status: number; body: unknown }> = [];
      for (const path of paths) {
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'GET']) {
          for (const body of bodies) {
            const type = types[(path.length + body.length) % types.length];
            const res = await raw(emu, path, {
              method,
              body: method === 'GET' ? undefined : body,
              headers: { 'Content-Type': type },
            });
            expect(res.status).toBeGreaterThanOrEqual(200);
            expect(res.status).toBeLessThan(500);
            if (res.status >= 400) {
              let parsed: unknown;
              try {
                parsed = res.json();
              } catch {
                // Shown by the assertion below rather than thrown here.
                parsed = { unparsable: JSON.stringify(res.text.slice(0, 200)) };
              }
              errorResponses.push({ status: res.status, body: parsed });
            }
          }
        }
      }
      for (const { status, body } of errorResponses) {
        expect(body).toMatchObject({
          kind: 'Status',
          status: 'Failure',
          code: status,
        });
      }
      const ok = await raw(emu, '/api/v1/namespaces');
      expect(ok.status).toBe(200);
      // 315 sequential requests: generous on a loaded machine.
    }, 120_000);
  });
});
