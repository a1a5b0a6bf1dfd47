import { mockServices } from '@backstage/backend-test-utils';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { validate, type Schema } from 'jsonschema';
import { Ssh2Connector } from '@internal/backstage-plugin-inference-node';
import { createK3sInstallAction } from './k3sInstall';

const TEMPLATE = path.resolve(
  __dirname,
  '../../../../templates/install-k3s-node/template.yaml',
);

const action = createK3sInstallAction({
  locations: {} as InferenceLocationsService,
  permissions: mockServices.permissions.mock(),
  connector: new Ssh2Connector(),
  settings: { installScriptUrl: 'https://get.k3s.io', commandTimeoutMs: 1000 },
});

const PLAIN = /^\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}$/;
const ENTITY_NAME =
  /^\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\|\s*parseEntityRef\s*\|\s*pick\('name'\)\s*\}\}$/;

/** Renders the two expression forms the template uses, as v1beta3 does. */
function render(
  input: Record<string, string | boolean>,
  values: Record<string, unknown>,
) {
  const rendered: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    let value: unknown = raw;
    const plain = typeof raw === 'string' ? PLAIN.exec(raw) : null;
    const entity = typeof raw === 'string' ? ENTITY_NAME.exec(raw) : null;
    if (plain) value = values[plain[1]];
    else if (entity) {
      value = String(values[entity[1]]).split('/').pop();
    } else if (typeof raw === 'string' && raw.includes('${{')) {
      throw new Error(`input ${key}: unchecked expression ${raw}`);
    }
    if (value !== undefined) rendered[key] = value;
  }
  return rendered;
}

describe('template install-k3s-node', () => {
  const template = yaml.load(fs.readFileSync(TEMPLATE, 'utf8')) as any;
  const pages = template.spec.parameters as Array<{
    required?: string[];
    properties: Record<string, any>;
  }>;
  const properties: Record<string, any> = Object.assign(
    {},
    ...pages.map(p => p.properties),
  );
  const defaults = Object.fromEntries(
    Object.entries(properties)
      .filter(([, s]) => s.default !== undefined)
      .map(([k, s]) => [k, s.default]),
  );

  it('is a v1beta3 Template with one baremetal:k3s:install step', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.metadata.name).toBe('install-k3s-node');
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([action.id]);
  });

  it('picks bare-metal-server entities and takes the SSH key as a secret', () => {
    expect(properties.server['ui:field']).toBe('EntityPicker');
    expect(properties.server['ui:options'].catalogFilter).toEqual([
      { kind: 'Resource', 'spec.type': 'bare-metal-server' },
    ]);
    expect(properties.sshPrivateKey['ui:field']).toBe('Secret');
    expect(JSON.stringify(template.spec.steps)).not.toContain('sshPrivateKey');
  });

  it.each([
    { role: 'first-server' },
    { role: 'server', firstServer: 'node1', version: 'v1.33.5+k3s1' },
    { role: 'agent', airGapped: true, channel: 'latest' },
  ])('renders valid action input (%o)', extra => {
    const values = { ...defaults, server: 'resource:local/node2', ...extra };
    const [step] = template.spec.steps;
    const input = render(step.input, values);
    expect(input).toMatchObject({ location: 'local', server: 'node2' });
    const { errors } = validate(input, action.schema!.input as Schema);
    expect(errors.map(e => e.stack)).toEqual([]);
    // the template's own patterns accept what the action accepts
    expect('v1.33.5+k3s1').toMatch(new RegExp(properties.version.pattern));
    expect('node1').toMatch(new RegExp(properties.firstServer.pattern));
  });
});
