import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseConfigFiles, configuresLocations } from './configFiles';

describe('sandbox config decision', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) =>
    fs.writeFileSync(path.join(dir, name), text);

  it('starts the sandbox when no file configures a location', () => {
    write(
      'app-config.yaml',
      'app:\n  title: x\n# inference:\n#   locations: []\n',
    );
    const files = baseConfigFiles(dir);
    expect(files).toEqual([path.join(dir, 'app-config.yaml')]);
    expect(configuresLocations(files)).toBe(false);
  });

  it('uses real locations from app-config.local.yaml', () => {
    write('app-config.yaml', 'app:\n  title: x\n');
    write(
      'app-config.local.yaml',
      'inference:\n  locations:\n    - name: stalpeni\n',
    );
    const files = baseConfigFiles(dir);
    expect(files).toHaveLength(2);
    expect(configuresLocations(files)).toBe(true);
  });

  it('treats an empty locations list as none', () => {
    write('app-config.yaml', 'inference:\n  locations: []\n');
    expect(configuresLocations(baseConfigFiles(dir))).toBe(false);
  });

  it('the repository app-config.yaml starts the sandbox', () => {
    // eslint-disable-next-line no-restricted-syntax -- test of this repo's own config
    const root = path.resolve(__dirname, '../../..');
    expect(configuresLocations(baseConfigFiles(root).slice(0, 1))).toBe(false);
  });
});
