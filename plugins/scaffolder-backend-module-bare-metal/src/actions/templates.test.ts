import { mockServices } from '@backstage/backend-test-utils';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { validate, type Schema } from 'jsonschema';
import { createHelmInstallAction } from './helmInstall';

const TEMPLATE = path.resolve(
  __dirname,
  '../../../../templates/install-helm-chart/template.yaml',
);

const action = createHelmInstallAction({
  locations: {} as InferenceLocationsService,
  permissions: mockServices.permissions.mock(),
});

type Parameters = Array<{
  required?: string[];
  properties: Record<string, Record<string, unknown>>;
}>;

const EXPRESSION = /^\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}$/;
const PRESET_IF = /^\$\{\{\s*parameters\.preset === '([a-z0-9-]+)'\s*\}\}$/;

/** Renders plain `${{ parameters.x }}` inputs as v1beta3 does. */
function render(
  input: Record<string, unknown>,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const match = typeof raw === 'string' ? EXPRESSION.exec(raw) : null;
    if (typeof raw === 'string' && raw.includes('${{') && !match) {
      throw new Error(`input ${key}: only plain references are checked`);
    }
    const value = match ? values[match[1]] : raw;
    if (value !== undefined) rendered[key] = value;
  }
  return rendered;
}

describe('template install-helm-chart', () => {
  const template = yaml.load(fs.readFileSync(TEMPLATE, 'utf8')) as any;
  const parameters = template.spec.parameters as Parameters;
  const defaults: Record<string, unknown> = {};
  for (const page of parameters) {
    for (const [key, schema] of Object.entries(page.properties)) {
      if (schema.default !== undefined) defaults[key] = schema.default;
    }
  }
  const presets = parameters[0].properties.preset.enum as string[];

  it('is a v1beta3 Template owned by inference-admins', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.name).toBe('install-helm-chart');
    expect(template.spec.owner).toBe('group:default/inference-admins');
  });

  it('has defaults that satisfy its own parameter schemas', () => {
    for (const page of parameters) {
      for (const key of page.required ?? []) {
        expect(defaults).toHaveProperty(key);
      }
      const { errors } = validate(defaults, {
        type: 'object',
        properties: page.properties,
      } as Schema);
      expect(errors.map(e => e.stack)).toEqual([]);
    }
  });

  it('offers the stack presets with their repositories and charts', () => {
    const byPreset = Object.fromEntries(
      template.spec.steps.map((s: any) => [
        PRESET_IF.exec(s.if)?.[1],
        [s.input.repo, s.input.chart],
      ]),
    );
    expect(byPreset).toEqual({
      kubeai: ['https://www.kubeai.org', 'kubeai'],
      'ingress-nginx': [
        'https://kubernetes.github.io/ingress-nginx',
        'ingress-nginx',
      ],
      'cert-manager': ['https://charts.jetstack.io', 'cert-manager'],
      metallb: ['https://metallb.github.io/metallb', 'metallb'],
      longhorn: ['https://charts.longhorn.io', 'longhorn'],
      'gpu-operator': ['https://helm.ngc.nvidia.com/nvidia', 'gpu-operator'],
    });
    expect(Object.keys(byPreset).sort()).toEqual([...presets].sort());
  });

  it.each([{}, { version: '1.2.3', valuesYaml: 'a: 1\n', wait: false }])(
    'runs exactly one valid baremetal:helm:install step per preset (%o)',
    extra => {
      for (const preset of presets) {
        const values = { ...defaults, ...extra, preset };
        const steps = template.spec.steps.filter(
          (s: any) => PRESET_IF.exec(s.if)?.[1] === preset,
        );
        expect(steps).toHaveLength(1);
        const [step] = steps;
        expect(step.action).toBe(action.id);
        const input = render(step.input, values);
        const { errors } = validate(input, action.schema!.input as Schema);
        expect(errors.map(e => `${step.id}: ${e.stack}`)).toEqual([]);
        const undeclared = Object.values(step.input)
          .map(raw => EXPRESSION.exec(String(raw))?.[1])
          .filter(
            (ref): ref is string =>
              ref !== undefined && !parameters.some(p => ref in p.properties),
          );
        expect(undeclared).toEqual([]);
      }
    },
  );
});
