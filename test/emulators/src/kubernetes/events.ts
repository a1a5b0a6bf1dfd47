/*
 * core/v1 Events the simulated controllers record about what happens
 * (Scaled, Scheduled, Started, SuccessfulCreate, Completed, ...), with the
 * fields `kubectl get events` and the Backstage Kubernetes plugin read.
 */
import { KubeApi } from './api';
import { KubeObject, nowIso } from './json';
import { ResourceDef } from './resources';

export interface EventOptions {
  type?: 'Normal' | 'Warning';
  component: string;
  host?: string;
}

/** Records an Event about `involved` (signature of `EventRecorder.record`). */
export type RecordEvent = (
  involved: KubeObject,
  reason: string,
  message: string,
  opts: EventOptions,
) => void;

export class EventRecorder {
  private eventCounter = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly events: ResourceDef,
    private readonly safely: (fn: () => void) => void,
  ) {}

  /** Records a core/v1 Event about `involved`. */
  record(
    involved: KubeObject,
    reason: string,
    message: string,
    opts: EventOptions,
  ): void {
    const now = nowIso();
    const suffix = (
      BigInt(Date.now()) * 1000000n +
      BigInt(this.eventCounter++)
    ).toString(16);
    const ns = involved.metadata.namespace ?? 'default';
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${suffix}`, namespace: ns },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source: opts.host
        ? { component: opts.component, host: opts.host }
        : { component: opts.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: opts.type ?? 'Normal',
      eventTime: null,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    };
    this.safely(() => {
      if (this.api.store.has('/namespaces', undefined, ns)) {
        this.api.create(this.events, ns, ev);
      }
    });
  }
}
