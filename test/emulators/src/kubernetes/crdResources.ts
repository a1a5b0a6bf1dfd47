/*
 * Custom resource types from CRD manifests (`crds/*.yaml`): names, scope,
 * the storage version's schema, subresources, selectable fields, CEL rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { compileCelValidator } from './cel';
import { KubeObject, Obj, getPath, isObj } from './json';
import {
  ALL_VERBS,
  CUSTOM_PATCH_TYPES,
  ResourceDef,
  ScaleSubresource,
  arr,
  metaFields,
  str,
} from './resourceDef';
import { JSONSchemaProps } from './schema';

/** Builds the ResourceDef of a served version of a CRD manifest. */
export function customResourceFromCrd(crd: KubeObject): ResourceDef {
  const spec = crd.spec as Obj;
  const names = spec.names as Obj;
  const versions = (spec.versions as Obj[]).filter(v => v.served !== false);
  const v = versions.find(x => x.storage === true) ?? versions[0];
  const schema = getPath(v, ['schema', 'openAPIV3Schema']) as
    | JSONSchemaProps
    | undefined;
  const subresources = isObj(v.subresources) ? v.subresources : {};
  const cel = schema
    ? compileCelValidator(schema, String(getPath(crd, ['metadata', 'name'])))
    : undefined;
  const scale = isObj(subresources.scale)
    ? (subresources.scale as unknown as ScaleSubresource)
    : undefined;
  const namespaced = spec.scope === 'Namespaced';
  const selectable = metaFields(namespaced);
  for (const sf of arr(v.selectableFields)) {
    const jsonPath = String(sf.jsonPath).replace(/^\./, '');
    selectable[jsonPath] = o => str(o, ...jsonPath.split('.'));
  }
  return {
    group: String(spec.group),
    version: String(v.name),
    kind: String(names.kind),
    listKind: String(names.listKind ?? `${names.kind}List`),
    plural: String(names.plural),
    singular: String(names.singular ?? String(names.kind).toLowerCase()),
    namespaced,
    shortNames: (names.shortNames as string[]) ?? [],
    categories: (names.categories as string[]) ?? [],
    verbs: ALL_VERBS,
    custom: true,
    statusSubresource: isObj(subresources.status),
    scale,
    hasGeneration: true,
    allowUnconditionalUpdate: false,
    returnDeletedObject: false,
    nameValidation: 'subdomain',
    selectableFields: selectable,
    patchTypes: CUSTOM_PATCH_TYPES,
    schema,
    // Like cel.NewValidator: no validator at all when the schema has no rules.
    cel: cel && cel.ruleCount > 0 ? cel : undefined,
    crd,
  };
}

/** Loads every `*.yaml` CRD manifest in `dir`. */
export function loadCrds(dir: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of yaml.loadAll(
      fs.readFileSync(path.join(dir, file), 'utf8'),
    )) {
      if (isObj(doc) && doc.kind === 'CustomResourceDefinition') {
        out.push(doc as KubeObject);
      }
    }
  }
  return out;
}

// eslint-disable-next-line no-restricted-syntax -- runs from src only, never bundled
export const DEFAULT_CRD_DIR = path.join(__dirname, 'crds');
