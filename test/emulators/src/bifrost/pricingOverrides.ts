/*
 * Pricing overrides of the config store (governance.go pricing-override
 * handlers, framework/modelcatalog PricingOverride) and their resolution.
 */
import { randomUUID } from 'node:crypto';
import type {
  BifrostPricingOverride,
  BifrostPricingOverrideScopeKind,
  BifrostPricingPatch,
} from './types';
import {
  DecodeError,
  HttpError,
  JsonObject,
  clone,
  compact,
  isObject,
  nowIso,
  optString,
  optStringArray,
} from './util';

import type { BifrostStore } from './state';

// ------------------------------------------------------ pricing overrides

const REQUEST_TYPES = [
  'text_completion',
  'chat_completion',
  'responses',
  'embedding',
  'rerank',
  'speech',
  'transcription',
  'image_generation',
  'image_edit',
  'image_variation',
  'video_generation',
];

/** `PricingOverride.IsValid` of framework/modelcatalog. */
function pricingShapeProblem(o: {
  scope_kind: string;
  virtual_key_id?: string;
  provider_id?: string;
  provider_key_id?: string;
  match_type: string;
  pattern: string;
  request_types?: string[];
}): string | undefined {
  const vk = o.virtual_key_id;
  const pr = o.provider_id;
  const pk = o.provider_key_id;
  switch (o.scope_kind) {
    case 'global':
      if (vk || pr || pk)
        return 'global scope_kind must not include scope identifiers';
      break;
    case 'provider':
      if (!pr) return 'provider_id is required for provider scope_kind';
      if (vk || pk) return 'provider scope_kind only supports provider_id';
      break;
    case 'provider_key':
      if (!pk) return 'provider_key_id is required for provider_key scope_kind';
      if (vk || pr)
        return 'provider_key scope_kind only supports provider_key_id';
      break;
    case 'virtual_key':
      if (!vk) return 'virtual_key_id is required for virtual_key scope_kind';
      if (pr || pk)
        return 'virtual_key scope_kind only supports virtual_key_id';
      break;
    case 'virtual_key_provider':
      if (!vk || !pr)
        return 'virtual_key_id and provider_id are required for virtual_key_provider scope_kind';
      if (pk)
        return 'virtual_key_provider scope_kind does not support provider_key_id';
      break;
    case 'virtual_key_provider_key':
      if (!vk || !pr || !pk) {
        return 'virtual_key_id, provider_id, and provider_key_id are required for virtual_key_provider_key scope_kind';
      }
      break;
    default:
      return `unsupported scope_kind ${JSON.stringify(o.scope_kind)}`;
  }
  const pattern = o.pattern.trim();
  if (pattern === '') return 'pattern is required';
  if (o.match_type === 'exact') {
    if (pattern.includes('*'))
      return 'exact match pattern must not contain wildcards';
  } else if (o.match_type === 'wildcard') {
    if (!pattern.endsWith('*')) return 'wildcard pattern must end with *';
    if (pattern.split('*').length - 1 !== 1)
      return 'wildcard pattern must contain exactly one trailing *';
  } else {
    return `unsupported match_type ${JSON.stringify(o.match_type)}`;
  }
  const types = o.request_types ?? [];
  if (types.length === 0)
    return 'request_types is required and must contain at least one value';
  for (const rt of types) {
    if (rt.endsWith('_stream')) {
      const base = rt.slice(0, -'_stream'.length);
      return `unsupported request_type ${JSON.stringify(
        rt,
      )}: use the base type (e.g. ${JSON.stringify(
        base,
      )} covers both streaming and non-streaming)`;
    }
    if (!REQUEST_TYPES.includes(rt))
      return `unsupported request_type ${JSON.stringify(rt)}`;
  }
  return undefined;
}

/** Reads `patch` (object) or `pricing_patch` (JSON string, as in the docs example). */
function decodePatch(body: JsonObject): BifrostPricingPatch | undefined {
  let raw: unknown = body.patch;
  if (
    (raw === undefined || raw === null) &&
    body.pricing_patch !== undefined &&
    body.pricing_patch !== null
  ) {
    raw = body.pricing_patch;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        throw new HttpError(400, 'Invalid patch');
      }
    }
  }
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new DecodeError('patch must be an object');
  const patch: BifrostPricingPatch = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) continue;
    if (typeof value !== 'number')
      throw new DecodeError(`${key} must be a number`);
    patch[key] = value;
  }
  return patch;
}

function patchProblem(patch: BifrostPricingPatch): string | undefined {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && value < 0) return `${key} must be non-negative`;
  }
  return undefined;
}

function trimmedOrUndefined(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export function createPricingOverride(
  store: BifrostStore,
  body: JsonObject,
): BifrostPricingOverride {
  let fields: {
    name: string;
    scope_kind: string;
    virtual_key_id?: string;
    provider_id?: string;
    provider_key_id?: string;
    match_type: string;
    pattern: string;
    request_types?: string[];
  };
  let patch: BifrostPricingPatch | undefined;
  try {
    fields = {
      name: optString(body, 'name') ?? '',
      scope_kind: optString(body, 'scope_kind') ?? '',
      virtual_key_id: optString(body, 'virtual_key_id'),
      provider_id: optString(body, 'provider_id'),
      provider_key_id: optString(body, 'provider_key_id'),
      match_type: optString(body, 'match_type') ?? '',
      pattern: optString(body, 'pattern') ?? '',
      request_types: optStringArray(body, 'request_types'),
    };
    patch = decodePatch(body);
  } catch (e) {
    if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
    throw e;
  }
  const name = fields.name.trim();
  if (name === '') throw new HttpError(400, 'name is required');
  const problem = pricingShapeProblem(fields);
  if (problem) throw new HttpError(400, problem);
  const finalPatch = patch ?? {};
  if (patchProblem(finalPatch))
    throw new HttpError(500, 'Failed to create pricing override');
  const now = nowIso();
  const row: BifrostPricingOverride = compact({
    id: randomUUID(),
    name,
    scope_kind: fields.scope_kind as BifrostPricingOverrideScopeKind,
    virtual_key_id: trimmedOrUndefined(fields.virtual_key_id),
    provider_id: trimmedOrUndefined(fields.provider_id),
    provider_key_id: trimmedOrUndefined(fields.provider_key_id),
    match_type: fields.match_type as 'exact' | 'wildcard',
    pattern: fields.pattern.trim(),
    request_types:
      fields.request_types && fields.request_types.length > 0
        ? fields.request_types
        : undefined,
    patch: finalPatch,
    created_at: now,
    updated_at: now,
  });
  store.pricingOverrides.set(row.id, row);
  return clone(row);
}

export function updatePricingOverride(
  store: BifrostStore,
  id: string,
  body: JsonObject,
): BifrostPricingOverride {
  let patch: BifrostPricingPatch | undefined;
  let name: string | undefined;
  let scopeKind: string | undefined;
  let matchType: string | undefined;
  let pattern: string | undefined;
  let requestTypes: string[] | undefined;
  const nullable = (key: string): { set: boolean; value?: string } => {
    if (!(key in body)) return { set: false };
    const v = body[key];
    if (v === null) return { set: true };
    if (typeof v !== 'string') throw new DecodeError(`${key} must be a string`);
    return { set: true, value: v };
  };
  let vkId;
  let providerId;
  let providerKeyId;
  try {
    name = optString(body, 'name');
    scopeKind = optString(body, 'scope_kind');
    matchType = optString(body, 'match_type');
    pattern = optString(body, 'pattern');
    requestTypes = optStringArray(body, 'request_types');
    vkId = nullable('virtual_key_id');
    providerId = nullable('provider_id');
    providerKeyId = nullable('provider_key_id');
    patch = decodePatch(body);
  } catch (e) {
    if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
    throw e;
  }
  const existing = store.pricingOverrides.get(id);
  if (!existing) throw new HttpError(404, 'Pricing override not found');
  const merged = {
    scope_kind: existing.scope_kind as string,
    virtual_key_id: existing.virtual_key_id,
    provider_id: existing.provider_id,
    provider_key_id: existing.provider_key_id,
    match_type: existing.match_type as string,
    pattern: existing.pattern,
    request_types: existing.request_types,
  };
  if (scopeKind !== undefined) {
    merged.scope_kind = scopeKind;
    merged.virtual_key_id = undefined;
    merged.provider_id = undefined;
    merged.provider_key_id = undefined;
  }
  if (vkId.set) merged.virtual_key_id = vkId.value;
  if (providerId.set) merged.provider_id = providerId.value;
  if (providerKeyId.set) merged.provider_key_id = providerKeyId.value;
  if (matchType !== undefined) merged.match_type = matchType;
  if (pattern !== undefined) merged.pattern = pattern;
  if (requestTypes !== undefined) merged.request_types = requestTypes;
  const problem = pricingShapeProblem(merged);
  if (problem) throw new HttpError(400, problem);
  let finalName = existing.name;
  if (name !== undefined) {
    finalName = name.trim();
    if (finalName === '') throw new HttpError(400, 'name is required');
  }
  const finalPatch = patch ?? existing.patch;
  if (patchProblem(finalPatch))
    throw new HttpError(500, 'Failed to update pricing override');
  const row: BifrostPricingOverride = compact({
    id,
    name: finalName,
    scope_kind: merged.scope_kind as BifrostPricingOverrideScopeKind,
    virtual_key_id: trimmedOrUndefined(merged.virtual_key_id),
    provider_id: trimmedOrUndefined(merged.provider_id),
    provider_key_id: trimmedOrUndefined(merged.provider_key_id),
    match_type: merged.match_type as 'exact' | 'wildcard',
    pattern: merged.pattern.trim(),
    request_types:
      merged.request_types && merged.request_types.length > 0
        ? merged.request_types
        : undefined,
    patch: finalPatch,
    config_hash: existing.config_hash,
    created_at: existing.created_at,
    updated_at: nowIso(),
  });
  store.pricingOverrides.set(id, row);
  return clone(row);
}

export function deletePricingOverride(store: BifrostStore, id: string): void {
  if (!store.pricingOverrides.delete(id))
    throw new HttpError(404, 'Pricing override not found');
}

/**
 * The override that prices `model` (the name after `kubeai/`, whatever the
 * provider for `global` scope) for a chat completion: most specific scope
 * first, exact patterns before wildcards, longer wildcard prefixes first
 * (framework/modelcatalog/pricing_overrides.go `resolve`,
 * `scopePriorityOrder`). The caller patches it over the catalog entry.
 */
export function resolvePricing(
  store: BifrostStore,
  model: string,
  provider: string,
  virtualKeyId?: string,
): BifrostPricingPatch | undefined {
  const order: BifrostPricingOverrideScopeKind[] = [];
  if (virtualKeyId && provider) order.push('virtual_key_provider');
  if (virtualKeyId) order.push('virtual_key');
  if (provider) order.push('provider');
  order.push('global');
  const all = [...store.pricingOverrides.values()].filter(o =>
    (o.request_types ?? []).includes('chat_completion'),
  );
  const scopeMatches = (o: BifrostPricingOverride): boolean => {
    switch (o.scope_kind) {
      case 'global':
        return true;
      case 'provider':
        return o.provider_id === provider;
      case 'virtual_key':
        return o.virtual_key_id === virtualKeyId;
      case 'virtual_key_provider':
        return o.virtual_key_id === virtualKeyId && o.provider_id === provider;
      default:
        return false;
    }
  };
  const wildcards = all
    .filter(o => o.match_type === 'wildcard')
    .sort((a, b) => b.pattern.length - a.pattern.length);
  for (const kind of order) {
    const exact = all.find(
      o =>
        o.scope_kind === kind &&
        o.match_type === 'exact' &&
        o.pattern === model &&
        scopeMatches(o),
    );
    if (exact) return exact.patch;
    const wild = wildcards.find(
      o =>
        o.scope_kind === kind &&
        model.startsWith(o.pattern.slice(0, -1)) &&
        scopeMatches(o),
    );
    if (wild) return wild.patch;
  }
  return undefined;
}
