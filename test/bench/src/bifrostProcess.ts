/*
 * The Bifrost emulator in a process of its own, holding `events` request
 * logs of October 2026, as the ledger ingestion benchmark pulls them: in
 * production Bifrost is another service, so its work (filtering, paging,
 * JSON) must not share the ingesting process's event loop. Started by
 * `startBifrostProcess()`; prints `URL <url>` once it serves.
 */
import { startBifrostEmulator } from '@internal/test-emulators';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { stopChild } from './backendProcess';

export interface BifrostLogsSpec {
  events: number;
  customers: string[];
  models: string[];
  adminUsername: string;
  adminPassword: string;
}

/** The request logs of the benchmark: spread over 30 days, round-robin customers and models, random request ids. */
export function benchLogs({ events, customers, models }: BifrostLogsSpec) {
  const start = Date.parse('2026-10-01T00:00:00Z');
  const logs = [];
  for (let i = 0; i < events; i++) {
    logs.push({
      // Bifrost's request ids are UUIDs: random keys, as the ledger's
      // primary key gets them in production.
      id: randomUUID(),
      timestamp: new Date(
        start + Math.floor((i / events) * 30 * 86_400_000),
      ).toISOString(),
      provider: 'kubeai',
      model: models[i % models.length],
      status: 'success' as const,
      token_usage: {
        prompt_tokens: 100 + (i % 900),
        completion_tokens: 50 + (i % 300),
        total_tokens: 150 + (i % 900) + (i % 300),
      },
      customer_id: customers[i % customers.length],
    });
  }
  return logs;
}

export async function startBifrostProcess(
  spec: BifrostLogsSpec,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, BENCH_BIFROST: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', d => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += d;
      const match = /URL (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', code =>
      reject(new Error(`Bifrost emulator exited ${code}: ${stderr}`)),
    );
  });
  return {
    url,
    child,
    stop: () => stopChild(child),
  };
}

if (process.env.BENCH_BIFROST) {
  const spec: BifrostLogsSpec = JSON.parse(process.env.BENCH_BIFROST);
  startBifrostEmulator({
    adminUsername: spec.adminUsername,
    adminPassword: spec.adminPassword,
  }).then(
    bifrost => {
      bifrost.addLogs(benchLogs(spec));
      process.stdout.write(`URL ${bifrost.url}\n`);
      process.on('SIGTERM', () => bifrost.close().then(() => process.exit(0)));
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
