/*
 * The HTTP plumbing every emulator shares: an express app bound to a free
 * loopback port, fault injection in front of every route, and the
 * `/__emulator/faults` control endpoint.
 */
import express from 'express';
import type { Express } from 'express';
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import https from 'node:https';
import { FaultInjector, FaultSpec } from './faults';

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:39123`. */
  url: string;
  port: number;
  faults: FaultInjector;
  /** With `ListenOptions.tls`: the same app over HTTPS, e.g. `https://127.0.0.1:39124`. */
  tlsUrl?: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /**
   * Also serve the app over HTTPS on a second free port (PEM key and
   * certificate): some real clients only send credentials over TLS.
   */
  tls?: { key: string; cert: string };
}

/**
 * Creates an express app with fault injection installed first, lets `mount`
 * add the emulator's routes, and listens on loopback.
 */
export async function startEmulatorServer(
  mount: (app: Express) => void,
  options: ListenOptions = {},
): Promise<RunningEmulator> {
  const faults = new FaultInjector();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Control endpoint, never affected by faults.
  app.get('/__emulator/faults', (_req, res) => {
    res.json({ faults: faults.list(), applied: faults.applied });
  });
  app.post('/__emulator/faults', express.json(), (req, res) => {
    try {
      const id = faults.inject(req.body as FaultSpec);
      res.status(201).json({ id });
    } catch (e) {
      res.status(400).json({ error: (e as Error).message });
    }
  });
  app.delete('/__emulator/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  app.use(faults.middleware());
  mount(app);

  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, () => resolve(s));
    s.on('error', reject);
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const { port } = server.address() as AddressInfo;
  let tlsServer: https.Server | undefined;
  if (options.tls) {
    const created = https.createServer(options.tls, app);
    tlsServer = await new Promise<https.Server>((resolve, reject) => {
      created.listen(0, host, () => resolve(created));
      created.on('error', reject);
    });
    tlsServer.on('connection', socket => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  const tlsPort = (tlsServer?.address() as AddressInfo | null)?.port;
  return {
    url: `http://${host}:${port}`,
    port,
    faults,
    tlsUrl: tlsPort ? `https://${host}:${tlsPort}` : undefined,
    close: () =>
      new Promise<void>(resolve => {
        faults.releaseHanging();
        for (const socket of sockets) {
          socket.destroy();
        }
        let open = tlsServer ? 2 : 1;
        const done = () => {
          open -= 1;
          if (open === 0) resolve();
        };
        server.close(done);
        tlsServer?.close(done);
      }),
  };
}
