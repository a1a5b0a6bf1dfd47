import { InputError } from '@backstage/errors';
import yaml from 'js-yaml';

/** Longest `valuesYaml` accepted, checked before parsing. */
export const VALUES_MAX_CHARS = 256 * 1024;
/** Longest values once normalised (they land in a HelmChart, etcd caps objects at 1.5 MiB). */
export const VALUES_MAX_NORMALISED_CHARS = 512 * 1024;
/** Deepest nesting of mappings and lists; chart values rarely pass 10. */
export const VALUES_MAX_DEPTH = 32;
/** Most nodes (mappings, lists, scalars, keys included). */
export const VALUES_MAX_NODES = 100_000;

const ALIASES =
  'valuesYaml: YAML anchors and aliases (&name, *name, <<: *name) are not accepted: write the values out in full';

/**
 * Parses untrusted chart values (a YAML mapping) into the normalised YAML
 * stored in the HelmChart. Aliases are refused outright: js-yaml shares the
 * aliased object, and dumping it (or JSON.stringify) expands every alias, so
 * a few hundred bytes of nested aliases would grow into gigabytes. Size,
 * depth and node count are bounded while parsing, again on the parsed value,
 * and the normalised output is bounded too. Every problem is an InputError
 * naming `valuesYaml`.
 */
export function parseHelmValues(valuesYaml: string | undefined): string | null {
  if (valuesYaml === undefined || valuesYaml.trim() === '') return null;
  if (valuesYaml.length > VALUES_MAX_CHARS) {
    throw new InputError(
      `valuesYaml: longer than ${VALUES_MAX_CHARS} characters`,
    );
  }
  let parsed: unknown;
  let depth = 0;
  let nodes = 0;
  try {
    parsed = yaml.load(valuesYaml, {
      // Called on every node as it is read: stop at the first anchor, before
      // any alias can refer to it, and as soon as a bound is passed.
      listener(event, state) {
        if (event === 'open') {
          depth += 1;
          nodes += 1;
          if (depth > VALUES_MAX_DEPTH + 1) throw new InputError(depthError());
          if (nodes > VALUES_MAX_NODES) throw new InputError(nodesError());
        } else {
          depth -= 1;
          if ((state as { anchor?: string | null }).anchor) {
            throw new InputError(ALIASES);
          }
        }
      },
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const message = (e as Error).message.split('\n')[0];
    if (/alias|anchor/i.test(message)) throw new InputError(ALIASES);
    throw new InputError(`valuesYaml: invalid YAML: ${message}`);
  }
  if (parsed === null || parsed === undefined) return null;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError('valuesYaml: must be a YAML mapping of chart values');
  }
  checkTree(parsed);
  const normalised = yaml.dump(parsed, { sortKeys: true, noRefs: true });
  if (normalised.length > VALUES_MAX_NORMALISED_CHARS) {
    throw new InputError(
      `valuesYaml: over ${VALUES_MAX_NORMALISED_CHARS} characters once normalised (indentation of deeply nested lists adds up): flatten or shorten the values`,
    );
  }
  return normalised;
}

function depthError() {
  return `valuesYaml: nested deeper than ${VALUES_MAX_DEPTH} levels`;
}

function nodesError() {
  return `valuesYaml: more than ${VALUES_MAX_NODES} values`;
}

/**
 * The parsed value again, in case a js-yaml version ignores the listener:
 * a tree (no object reached twice, which only an alias produces), bounded in
 * depth and size. Never recurses deeper than the depth bound.
 */
function checkTree(root: object): void {
  const seen = new Set<object>();
  let nodes = 0;
  const visit = (value: unknown, depth: number): void => {
    nodes += 1;
    if (nodes > VALUES_MAX_NODES) throw new InputError(nodesError());
    if (value === null || typeof value !== 'object') return;
    if (seen.has(value)) throw new InputError(ALIASES);
    seen.add(value);
    if (depth > VALUES_MAX_DEPTH) throw new InputError(depthError());
    const prototype = Object.getPrototypeOf(value);
    let children: unknown[] = []; // dates, binary: leaves
    if (Array.isArray(value)) children = value;
    else if (prototype === Object.prototype || prototype === null) {
      children = Object.values(value);
    }
    for (const child of children) visit(child, depth + 1);
  };
  visit(root, 1);
}
