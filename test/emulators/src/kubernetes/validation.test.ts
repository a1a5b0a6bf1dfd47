import { compileCelValidator, normalizeRule, RULES } from './cel';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { DEFAULT_CRD_DIR, loadCrds } from './resources';
import { JSONSchemaProps } from './schema';
import { MODELS, clients, failure, mergePatch, model } from './testUtils';

type Obj = Record<string, any>;

describe('kubernetes emulator: Model validation against the KubeAI CRD', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const ns = 'default';

  beforeAll(async () => {
    emu = await startKubernetesEmulator({ controller: false });
    c = clients(emu);
  });
  afterAll(() => emu.close());

  const create = (body: object) =>
    c.custom.createNamespacedCustomObject({
      ...MODELS,
      namespace: ns,
      body,
    }) as Promise<Obj>;
  const patch = (name: string, body: object) =>
    c.custom.patchNamespacedCustomObject(
      { ...MODELS, namespace: ns, name, body },
      mergePatch(),
    ) as Promise<Obj>;
  const causes = (b: {
    details?: {
      causes?: { field?: string; reason?: string; message?: string }[];
    };
  }) =>
    (b.details?.causes ?? []).map(x => ({
      field: x.field,
      reason: x.reason,
      message: x.message,
    }));

  describe('CEL rules (x-kubernetes-validations)', () => {
    it('url scheme: exact real Status body', async () => {
      const err = await failure(
        create(model('bad-url', { url: 'http://example.com/model' })),
      );
      expect(err.code).toBe(422);
      expect(err.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Model.kubeai.org "bad-url" is invalid: spec.url: Invalid value: "string": url must start with "hf://", "pvc://", "ollama://", "s3://", "gs://", or "oss://" and not be empty.',
        reason: 'Invalid',
        details: {
          name: 'bad-url',
          group: 'kubeai.org',
          kind: 'Model',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message:
                'Invalid value: "string": url must start with "hf://", "pvc://", "ollama://", "s3://", "gs://", or "oss://" and not be empty.',
              field: 'spec.url',
            },
          ],
        },
        code: 422,
      });
    });

    it.each([
      [
        'adapter url',
        { adapters: [{ name: 'a1', url: 'pvc://x' }] },
        'spec.adapters[0].url',
        'adapter url must start with "hf://", "s3://", "gs://", or "oss://".',
      ],
      [
        'file path',
        { files: [{ path: 'relative/path', content: 'x' }] },
        'spec.files[0].path',
        "Path must be an absolute path, starting with /, and must not contain a ':' character.",
      ],
      [
        'file path with colon',
        { files: [{ path: '/etc/a:b', content: 'x' }] },
        'spec.files[0].path',
        "Path must be an absolute path, starting with /, and must not contain a ':' character.",
      ],
      [
        'unique file paths',
        {
          files: [
            { path: '/a', content: '1' },
            { path: '/a', content: '2' },
          ],
        },
        'spec',
        'All file paths must be unique.',
      ],
      [
        'cacheProfile with pvc url',
        { url: 'pvc://my-pvc', cacheProfile: 'efs' },
        'spec',
        'cacheProfile is only supported with urls of format "hf://...", "s3://...", "gs://...", or "oss://..." at the moment.',
      ],
      [
        'gs needs cacheProfile',
        { url: 'gs://bucket/m' },
        'spec',
        'urls of format "gs://..." only supported when using a cacheProfile',
      ],
      [
        'oss needs cacheProfile',
        { url: 'oss://bucket/m' },
        'spec',
        'urls of format "oss://..." only supported when using a cacheProfile',
      ],
      [
        'minReplicas <= maxReplicas',
        { minReplicas: 3, maxReplicas: 2 },
        'spec',
        'minReplicas should be less than or equal to maxReplicas.',
      ],
      [
        'adapters only with VLLM',
        {
          engine: 'OLlama',
          url: 'ollama://qwen2.5',
          adapters: [{ name: 'a', url: 'hf://x/y' }],
        },
        'spec',
        'adapters only supported with VLLM engine.',
      ],
    ])('%s', async (_label, spec, field, message) => {
      const err = await failure(create(model('cel-case', spec)));
      expect(err.code).toBe(422);
      expect(err.body.reason).toBe('Invalid');
      const type = field === 'spec' ? 'object' : 'string';
      expect(causes(err.body)).toEqual([
        {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${type}": ${message}`,
        },
      ]);
      expect(err.body.message).toBe(
        `Model.kubeai.org "cel-case" is invalid: ${field}: Invalid value: "${type}": ${message}`,
      );
    });

    it('accepts what the rules allow (s3 with cacheProfile, adapters with VLLM, equal min/max)', async () => {
      const ok = await create(
        model('allowed', {
          url: 's3://bucket/model',
          cacheProfile: 'efs',
          minReplicas: 2,
          maxReplicas: 2,
          adapters: [{ name: 'lora-1', url: 'hf://org/lora' }],
          files: [
            { path: '/config/a.json', content: '{}' },
            { path: '/config/b.json', content: '{}' },
          ],
        }),
      );
      expect(ok.spec.cacheProfile).toBe('efs');
    });

    it('maxReplicas without minReplicas fails evaluation with "no such key", like CEL does', async () => {
      const err = await failure(create(model('no-min', { maxReplicas: 3 })));
      expect(causes(err.body)).toEqual([
        {
          field: 'spec',
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: "object": no such key: minReplicas evaluating rule: minReplicas should be less than or equal to maxReplicas.',
        },
      ]);
    });

    it('metadata.name at most 40 characters (root rule, field <nil>)', async () => {
      const name = 'a'.repeat(41);
      const err = await failure(create(model(name)));
      expect(err.body.message).toBe(
        `Model.kubeai.org "${name}" is invalid: <nil>: Invalid value: "object": name must not exceed 40 characters.`,
      );
      expect(causes(err.body)).toEqual([
        {
          field: '<nil>',
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: "object": name must not exceed 40 characters.',
        },
      ]);
      await expect(create(model('a'.repeat(40)))).resolves.toBeTruthy();
    });

    it('transition rules: cacheProfile immutable', async () => {
      await create(model('cached', { cacheProfile: 'efs' }));
      const err = await failure(
        patch('cached', { spec: { cacheProfile: 'other' } }),
      );
      expect(causes(err.body)).toEqual([
        {
          field: 'spec.cacheProfile',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "string": cacheProfile is immutable.',
        },
      ]);
    });

    it('transition rules: url immutable when cacheProfile is set, free otherwise', async () => {
      const err = await failure(
        patch('cached', { spec: { url: 'hf://other/model' } }),
      );
      expect(causes(err.body)).toEqual([
        {
          field: 'spec',
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: "object": url is immutable when using cacheProfile.',
        },
      ]);
      await create(model('uncached'));
      const moved = await patch('uncached', {
        spec: { url: 'hf://other/model' },
      });
      expect(moved.spec.url).toBe('hf://other/model');
    });

    it('transition rules: prefixHash.replication immutable (but settable on create)', async () => {
      await create(
        model('ring', {
          loadBalancing: {
            strategy: 'PrefixHash',
            prefixHash: { replication: 100 },
          },
        }),
      );
      const err = await failure(
        patch('ring', {
          spec: { loadBalancing: { prefixHash: { replication: 200 } } },
        }),
      );
      expect(causes(err.body)).toEqual([
        {
          field: 'spec.loadBalancing.prefixHash.replication',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "integer": replication is immutable.',
        },
      ]);
      const ok = await patch('ring', {
        spec: { loadBalancing: { prefixHash: { meanLoadFactor: 150 } } },
      });
      expect(ok.spec.loadBalancing.prefixHash).toEqual({
        replication: 100,
        meanLoadFactor: 150,
        prefixCharLength: 100,
      });
    });

    it('reports several violations in one bracketed message', async () => {
      const err = await failure(
        create(
          model('multi', { url: 'gs://b/m', minReplicas: 5, maxReplicas: 1 }),
        ),
      );
      expect(err.body.details?.causes).toHaveLength(2);
      expect(err.body.message).toBe(
        'Model.kubeai.org "multi" is invalid: [spec: Invalid value: "object": urls of format "gs://..." only supported when using a cacheProfile, spec: Invalid value: "object": minReplicas should be less than or equal to maxReplicas.]',
      );
    });
  });

  describe('OpenAPI schema', () => {
    it('enum: FieldValueNotSupported with the supported values', async () => {
      const err = await failure(
        create(model('bad-engine', { engine: 'TensorRT' })),
      );
      expect(causes(err.body)).toContainEqual({
        field: 'spec.engine',
        reason: 'FieldValueNotSupported',
        message:
          'Unsupported value: "TensorRT": supported values: "OLlama", "VLLM", "FasterWhisper", "Infinity"',
      });
      const feat = await failure(
        create(
          model('bad-feature', { features: ['TextGeneration', 'Telepathy'] }),
        ),
      );
      expect(causes(feat.body)[0]).toMatchObject({
        field: 'spec.features[1]',
        reason: 'FieldValueNotSupported',
      });
    });

    it('required: FieldValueRequired, and CEL rules are skipped with a notice', async () => {
      const err = await failure(
        create({
          apiVersion: 'kubeai.org/v1',
          kind: 'Model',
          metadata: { name: 'empty' },
          spec: { engine: 'VLLM' },
        }),
      );
      expect(err.body.message).toBe(
        'Model.kubeai.org "empty" is invalid: [spec.features: Required value, spec.url: Required value, <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
      );
      expect(causes(err.body).map(x => x.reason)).toEqual([
        'FieldValueRequired',
        'FieldValueRequired',
        'FieldValueInvalid',
      ]);
    });

    it('types, minimum, pattern, maxLength, maxItems', async () => {
      const err = await failure(
        create(
          model('schema-errs', {
            replicas: 'two',
            minReplicas: -1,
            targetRequests: 0,
            adapters: [
              { name: 'Bad_Name', url: 'hf://a/b' },
              { name: 'x'.repeat(64), url: 'hf://a/b' },
            ],
            files: Array.from({ length: 11 }, (_, i) => ({
              path: `/f${i}`,
              content: 'x',
            })),
          }),
        ),
      );
      const got = causes(err.body);
      expect(got).toEqual(
        expect.arrayContaining([
          {
            field: 'spec.replicas',
            reason: 'FieldValueTypeInvalid',
            message:
              'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
          },
          {
            field: 'spec.minReplicas',
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: -1: spec.minReplicas in body should be greater than or equal to 0',
          },
          {
            field: 'spec.targetRequests',
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: 0: spec.targetRequests in body should be greater than or equal to 1',
          },
          {
            field: 'spec.adapters[0].name',
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: "Bad_Name": spec.adapters[0].name in body should match \'^[a-z0-9-]+$\'',
          },
          {
            field: 'spec.adapters[1].name',
            reason: 'FieldValueTooLong',
            message: 'Too long: may not be more than 63 bytes',
          },
          {
            field: 'spec.files',
            reason: 'FieldValueTooMany',
            message: 'Too many: 11: must have at most 10 items',
          },
        ]),
      );
    });

    it('treats null as absent (defaults apply) and validates metadata.name as a DNS subdomain', async () => {
      const created = await create(
        model('nulls', { targetRequests: null, owner: null }),
      );
      expect(created.spec.targetRequests).toBe(100);
      expect('owner' in created.spec).toBe(false);
      const err = await failure(create(model('Not_A_DNS_Name')));
      expect(causes(err.body)[0]).toEqual({
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message:
          "Invalid value: \"Not_A_DNS_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      });
      const label = await failure(
        create({
          ...model('badlabel'),
          metadata: { name: 'badlabel', labels: { ok: 'not ok!' } },
        }),
      );
      expect(causes(label.body)[0]).toMatchObject({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
      });
    });

    it('rejects a body of another kind', async () => {
      const err = await failure(
        create({ ...model('wrong-kind'), kind: 'HelmChart' }),
      );
      expect(err.code).toBe(422);
      expect(causes(err.body)).toEqual([
        {
          field: 'kind',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "HelmChart": must be Model',
        },
      ]);
      const version = await failure(
        create({ ...model('wrong-version'), apiVersion: 'kubeai.org/v2' }),
      );
      expect(version.code).toBe(400);
      expect(version.body.message).toBe(
        'the API version in the data (kubeai.org/v2) does not match the expected API version (kubeai.org/v1)',
      );
    });

    it('ratchets errors on unchanged fields of existing objects (CRDValidationRatcheting)', async () => {
      // An object stored before a stricter rule existed: maxReplicas without minReplicas.
      emu.seed([model('legacy', { maxReplicas: 3 })]);
      const relabeled = await patch('legacy', {
        metadata: { labels: { touched: 'yes' } },
      });
      expect(relabeled.metadata.labels).toEqual({ touched: 'yes' });
      // Changing spec re-evaluates the rule on spec, which now fails.
      const changed = await failure(
        patch('legacy', { spec: { targetRequests: 50 } }),
      );
      expect(changed.code).toBe(422);
      expect(changed.body.message).toContain('no such key: minReplicas');
    });
  });

  describe('rule table', () => {
    it('implements every x-kubernetes-validations rule of the loaded CRDs', () => {
      const crds = loadCrds(DEFAULT_CRD_DIR);
      const rules: string[] = [];
      const walk = (s: JSONSchemaProps) => {
        for (const r of s['x-kubernetes-validations'] ?? []) rules.push(r.rule);
        Object.values(s.properties ?? {}).forEach(walk);
        if (s.items) walk(s.items);
      };
      for (const crd of crds) {
        walk((crd.spec as Obj).versions[0].schema.openAPIV3Schema);
      }
      expect(rules).toHaveLength(13);
      for (const r of rules) {
        expect(RULES[normalizeRule(r)]).toBeDefined();
      }
    });

    it('fails loudly on a rule it has no implementation for', () => {
      const schema: JSONSchemaProps = {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            'x-kubernetes-validations': [
              { rule: 'self.size() > 1000', message: 'new rule' },
            ],
          },
        },
      };
      expect(() => compileCelValidator(schema, 'models.kubeai.org')).toThrow(
        /no emulator implementation for x-kubernetes-validations rule at spec: "self.size\(\) > 1000"/,
      );
    });
  });
});
