/*
 * Fault injection shared by every emulator: a reliability test (or a person
 * poking the sandbox through `POST /__emulator/faults`) can make the next
 * matching requests fail the way a real system fails.
 */
import type { Request, Response, NextFunction } from 'express';

/** What a faulty system does to a request. */
export type FaultKind =
  /** Answer with a 5xx status (default 503) and a short text body. */
  | '5xx'
  /** Accept the request and never answer (until the server closes). */
  | 'hang'
  /** Destroy the TCP connection without an HTTP response. */
  | 'reset'
  /** Answer normally, but only after `delayMs`. */
  | 'slow';

export interface FaultSpec {
  kind: FaultKind;
  /** Status for `5xx` faults. Default 503. */
  status?: number;
  /** Delay for `slow` faults. Default 2000 ms. */
  delayMs?: number;
  /** How many matching requests are affected. Default: every one until cleared. */
  times?: number;
  /** Only requests whose path starts with this prefix. Default: all but `/__emulator`. */
  pathPrefix?: string;
  /** Only requests with this HTTP method. */
  method?: string;
}

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

/** Holds the active faults of one emulator and applies them as express middleware. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private readonly hanging = new Set<Response>();
  /** Number of requests that a fault was applied to, for assertions. */
  applied = 0;

  inject(spec: FaultSpec): number {
    const kinds: FaultKind[] = ['5xx', 'hang', 'reset', 'slow'];
    if (!kinds.includes(spec.kind)) {
      throw new Error(`unknown fault kind '${String(spec.kind)}'`);
    }
    const id = this.nextId++;
    this.faults.push({
      ...spec,
      id,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
    });
    return id;
  }

  clear(id?: number): void {
    this.faults = id === undefined ? [] : this.faults.filter(f => f.id !== id);
    for (const res of this.hanging) {
      res.destroy();
    }
    this.hanging.clear();
  }

  list(): FaultSpec[] {
    return this.faults.map(({ id: _id, remaining: _r, ...spec }) => spec);
  }

  private take(req: Request): ActiveFault | undefined {
    const fault = this.faults.find(
      f =>
        f.remaining > 0 &&
        (f.pathPrefix
          ? req.path.startsWith(f.pathPrefix)
          : !req.path.startsWith('/__emulator')) &&
        (!f.method || f.method.toUpperCase() === req.method),
    );
    if (fault) {
      fault.remaining -= 1;
      this.applied += 1;
      if (fault.remaining <= 0) {
        this.faults = this.faults.filter(f => f !== fault);
      }
    }
    return fault;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const fault = this.take(req);
      if (!fault) {
        next();
        return;
      }
      switch (fault.kind) {
        case '5xx': {
          const status = fault.status ?? 503;
          res.status(status).type('text/plain').send('injected fault');
          return;
        }
        case 'hang':
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'slow':
          setTimeout(next, fault.delayMs ?? 2000);
          return;
        default:
          next();
      }
    };
  }

  /** Close every request held open by a `hang` fault. */
  releaseHanging(): void {
    for (const res of this.hanging) {
      res.destroy();
    }
    this.hanging.clear();
  }
}
