import { mockServices } from '@backstage/backend-test-utils';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { validate, type Schema } from 'jsonschema';
import { createModelActions } from './modelActions';
import { perTokenPrice } from './modelSpec';

const TEMPLATES = path.resolve(__dirname, '../../../../templates');
const NAMES = ['create-model', 'scale-model', 'retire-model'];

const actions = createModelActions({
  locations: {} as InferenceLocationsService,
  permissions: mockServices.permissions.mock(),
});
const byId = new Map(actions.map(a => [a.id, a]));

type Parameters = Array<{
  required?: string[];
  properties: Record<string, Record<string, unknown>>;
}>;

/** The value the form starts with: the default, else an example. */
function defaults(parameters: Parameters): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const page of parameters) {
    for (const [key, schema] of Object.entries(page.properties)) {
      const value =
        schema.default ?? (schema.examples as unknown[] | undefined)?.[0];
      if (value !== undefined) {
        values[key] = value;
      }
    }
  }
  return values;
}

const EXPRESSION = /^\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}$/;

/**
 * Renders `${{ parameters.x }}` inputs as v1beta3 does (nunjitsu renderValue):
 * values keep their type, an undefined parameter drops the key.
 */
function render(
  input: Record<string, unknown>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const match = typeof raw === 'string' ? EXPRESSION.exec(raw) : null;
    if (typeof raw === 'string' && raw.includes('${{') && !match) {
      throw new Error(
        `input ${key}: only plain parameter references are checked: ${raw}`,
      );
    }
    const value = match ? values[match[1]] : raw;
    if (value !== undefined) {
      rendered[key] = value;
    }
  }
  return rendered;
}

describe.each(NAMES)('template %s', name => {
  const template = yaml.load(
    fs.readFileSync(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'),
  ) as any;

  it('is a v1beta3 Template owned by inference-admins', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.name).toBe(name);
    expect(template.spec.owner).toBe('group:default/inference-admins');
    expect(template.spec.steps.length).toBeGreaterThan(0);
  });

  it('has defaults that satisfy its own parameter schemas', () => {
    const values = defaults(template.spec.parameters);
    for (const page of template.spec.parameters as Parameters) {
      for (const key of page.required ?? []) {
        expect(values).toHaveProperty(key);
      }
      const { errors } = validate(values, {
        type: 'object',
        properties: page.properties,
      } as Schema);
      expect(errors.map(e => e.stack)).toEqual([]);
    }
  });

  it('uses only inference:model:* actions, with inputs valid for them', () => {
    const values = defaults(template.spec.parameters);
    for (const step of template.spec.steps) {
      const action = byId.get(step.action);
      expect(action).toBeDefined();
      const input = render(step.input ?? {}, values);
      const { errors } = validate(input, action!.schema!.input as Schema);
      expect(errors.map(e => `${step.id}: ${e.stack}`)).toEqual([]);
      // Every referenced parameter is declared.
      const undeclared = Object.values(step.input ?? {})
        .map(raw => EXPRESSION.exec(String(raw))?.[1])
        .filter(
          (ref): ref is string =>
            ref !== undefined &&
            !(template.spec.parameters as Parameters).some(
              p => ref in p.properties,
            ),
        );
      expect(undeclared).toEqual([]);
    }
  });

  it('only reads outputs its actions declare', () => {
    const text = JSON.stringify(template.spec.output ?? {});
    const steps = new Map<string, string>(
      template.spec.steps.map((s: any) => [s.id, s.action]),
    );
    for (const [, stepId, key] of text.matchAll(
      /steps\.([A-Za-z0-9_-]+)\.output\.([A-Za-z0-9_]+)/g,
    )) {
      const action = byId.get(steps.get(stepId)!);
      const output = action?.schema?.output as
        | { properties?: object }
        | undefined;
      expect(Object.keys(output?.properties ?? {})).toContain(key);
    }
  });
});

describe('create-model template prices', () => {
  it('converts its default prices to per-token strings', () => {
    const template = yaml.load(
      fs.readFileSync(
        path.join(TEMPLATES, 'create-model', 'template.yaml'),
        'utf8',
      ),
    ) as any;
    const values = defaults(template.spec.parameters);
    expect(
      perTokenPrice('promptPricePer1M', values.promptPricePer1M as string),
    ).toBe('0.000008');
    expect(
      perTokenPrice(
        'completionPricePer1M',
        values.completionPricePer1M as string,
      ),
    ).toBe('0.000024');
  });
});

describe.each(actions.map(a => [a.id, a] as const))(
  'action %s',
  (_id, action) => {
    it('has examples whose inputs validate against its schema', () => {
      expect(action.examples?.length).toBeGreaterThan(0);
      for (const example of action.examples ?? []) {
        const { steps } = yaml.load(example.example) as {
          steps: Array<{ action: string; input: object }>;
        };
        for (const step of steps) {
          expect(step.action).toBe(action.id);
          const { errors } = validate(
            step.input,
            action.schema!.input as Schema,
          );
          expect(errors.map(e => e.stack)).toEqual([]);
        }
      }
    });
  },
);
