import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/** The app-config files a plain start reads, in order, that exist under `root`. */
export function baseConfigFiles(root: string): string[] {
  return ['app-config.yaml', 'app-config.local.yaml']
    .map(f => path.join(root, f))
    .filter(f => fs.existsSync(f));
}

/**
 * True when one of the files configures at least one inference location: the
 * portal then talks to real systems and no emulator starts.
 */
export function configuresLocations(files: string[]): boolean {
  return files.some(file => {
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as {
      inference?: { locations?: unknown[] };
    } | null;
    return (doc?.inference?.locations?.length ?? 0) > 0;
  });
}
