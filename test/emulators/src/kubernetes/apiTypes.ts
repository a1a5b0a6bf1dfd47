/*
 * Option, result and sink types of the emulator's registry (KubeApi), and
 * the continue token of chunked lists.
 */
import { Status, statusErrors } from './errors';
import type { KubeObject } from './json';
import type { ManagedFieldsEntry } from './managedFields';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  force?: boolean;
  /** The client's User-Agent: names the manager of a write without fieldManager. */
  userAgent?: string;
  /** @internal managedFields computed by server-side apply for a create. */
  presetManagedFields?: ManagedFieldsEntry[];
}

export interface WriteResult {
  object: KubeObject;
  /** Values of `Warning` headers (`unknown field "spec.foo"`, ratcheted rules). */
  warnings: string[];
  /** 201 instead of 200 (create, or apply that created). */
  created?: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The deleted (or deleting) object, or a Success Status. */
  body: KubeObject | Omit<Status, 'code'>;
  code: 200 | 202;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

export type WatchSink = (
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR',
  object: unknown,
) => void;

/** `autoscaling/v1` Scale. */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(
      Buffer.from(s, 'base64url').toString('utf8'),
    ) as ContinueToken;
    if (
      t.v !== 'meta.k8s.io/v1' ||
      typeof t.rv !== 'number' ||
      typeof t.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    return t;
  } catch {
    throw statusErrors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
