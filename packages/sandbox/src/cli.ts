/*
 * `./portal start`: runs the portal on its embedded default. Unless the
 * app-config already lists real `inference.locations`, it first starts the
 * sandbox locations `local`, `stalpeni` and `pr` on emulators (60 days of
 * usage each, so last month can be invoiced) and hands their addresses to
 * the backend as an extra config file. Ctrl-C (SIGINT) or SIGTERM stops the
 * frontend, the backend and the emulators.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  SANDBOX_LOCATIONS,
  startSandbox,
  type Sandbox,
} from '@internal/test-emulators';
import { baseConfigFiles, configuresLocations } from './configFiles';
import { mergeKubeconfigs, sandboxState } from './state';

// eslint-disable-next-line no-restricted-syntax -- runs from src with tsx, never bundled
const root = path.resolve(__dirname, '../../..');
const dataDir = path.join(root, '.data');

function log(message: string) {
  process.stderr.write(`[portal] ${message}\n`);
}

async function main() {
  const configFiles = baseConfigFiles(root);
  let sandbox: Sandbox | undefined;
  if (configuresLocations(configFiles)) {
    log(
      'inference.locations is configured: using the real locations, no emulators',
    );
  } else {
    sandbox = await startSandbox({ locations: SANDBOX_LOCATIONS, days: 60 });
    const dir = path.join(dataDir, 'sandbox');
    // The emulators start from their seed every time, so the portal's
    // databases do too (PORTAL_KEEP_DATA=1 keeps them).
    if (!process.env.PORTAL_KEEP_DATA) {
      fs.rmSync(path.join(dataDir, 'sqlite'), { recursive: true, force: true });
    }
    fs.mkdirSync(path.join(dataDir, 'sqlite'), { recursive: true });
    fs.mkdirSync(dir, { recursive: true });
    const sandboxConfig = {
      ...sandbox.config,
      inference: {
        ...(sandbox.config.inference as object),
        // One-time key reveals survive the dev backend's restarts.
        billing: {
          onboarding: {
            revealSecret: crypto.randomBytes(24).toString('base64url'),
          },
        },
      },
      // A task waiting for an approval survives a backend restart
      // (templates opt in with EXPERIMENTAL_recovery: startOver).
      scaffolder: { taskRecovery: { enabled: true } },
      // A second sandbox user (catalog/org.yaml), signed in through the
      // dev-only sandbox provider: approves the guest's onboarding requests.
      auth: {
        providers: {
          sandbox: {
            users: [
              {
                userEntityRef: 'user:default/approver',
                ownershipEntityRefs: [
                  'user:default/approver',
                  'group:default/billing-admins',
                ],
              },
            ],
          },
        },
      },
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: { directory: path.join(dataDir, 'sqlite') },
        },
      },
    };
    const file = path.join(dir, 'app-config.sandbox.yaml');
    fs.writeFileSync(
      file,
      `# Written by ./portal start for this run; holds sandbox secrets.\n${yaml.dump(
        sandboxConfig,
      )}`,
      { mode: 0o600 },
    );
    fs.writeFileSync(
      path.join(dir, 'emulators.json'),
      JSON.stringify(sandboxState(sandbox, process.pid), null, 2),
      { mode: 0o600 },
    );
    const locations = Object.values(sandbox.locations);
    if (locations.every(l => l.kubernetes.tlsUrl)) {
      fs.writeFileSync(
        path.join(dir, 'kubeconfig'),
        mergeKubeconfigs(
          locations.map(l => ({
            location: l.name,
            kubeconfigYaml: l.kubernetes.kubectlConfigYaml('kubeai'),
          })),
        ),
        { mode: 0o600 },
      );
      log(
        `kubectl against the sandbox: KUBECONFIG=${path.join(
          dir,
          'kubeconfig',
        )} kubectl --context ${locations
          .map(l => l.name)
          .join('|')} get models,nodes`,
      );
    }
    configFiles.push(file);
    for (const l of locations) {
      log(
        `sandbox location '${l.name}': Kubernetes API ${l.kubernetes.url}, Bifrost ${l.bifrost.url}, Odoo ${l.odoo.url}`,
      );
    }
    log(
      `make a location's system fail: see "Emulators" in README.md (addresses in ${path.join(
        dir,
        'emulators.json',
      )})`,
    );
  }

  const args = ['repo', 'start', ...configFiles.flatMap(f => ['--config', f])];
  // Its own process group, so that stopping it stops the backend and the
  // frontend it started too.
  const child = spawn(
    path.join(root, 'node_modules/.bin/backstage-cli'),
    [...args, ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit', detached: true },
  );
  const stateFile = path.join(dataDir, 'sandbox', 'emulators.json');
  if (sandbox && fs.existsSync(stateFile)) {
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    fs.writeFileSync(
      stateFile,
      JSON.stringify({ ...state, portalPgid: child.pid }, null, 2),
      { mode: 0o600 },
    );
  }

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping the portal');
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    clearTimeout(killer);
    await sandbox?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  child.on('exit', code => {
    if (!stopping) {
      log(`backstage-cli exited with ${code}`);
      void stop(code ?? 1);
    }
  });
}

main().catch(error => {
  log(`could not start: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
