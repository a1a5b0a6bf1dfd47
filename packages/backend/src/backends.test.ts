import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { backendRole } from './backends';

describe('backendRole', () => {
  it('defaults to every plugin in one backend', () => {
    expect(backendRole(undefined)).toBe('all');
    expect(backendRole('')).toBe('all');
  });

  it('takes the roles of the split deployment', () => {
    expect(backendRole('portal')).toBe('portal');
    expect(backendRole('billing')).toBe('billing');
  });

  it('refuses an unknown role, naming the variable and the known ones', () => {
    expect(() => backendRole('Billing')).toThrow(
      "PORTAL_BACKEND_ROLE must be one of all, portal, billing; got 'Billing'",
    );
  });

  it('stops the start of a backend with an unknown role', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'index.ts')],
      {
        env: { ...process.env, PORTAL_BACKEND_ROLE: 'billling' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("got 'billling'");
  });
});
