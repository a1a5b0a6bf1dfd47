import type { Config } from '@backstage/config';

/** `inference.bareMetal.sshFacts`. */
export interface SshFactsSettings {
  enabled: boolean;
  cacheSeconds: number;
  timeoutMs: number;
}

export function readSshFactsSettings(config: Config): SshFactsSettings {
  const base = 'inference.bareMetal.sshFacts';
  return {
    enabled: config.getOptionalBoolean(`${base}.enabled`) ?? false,
    cacheSeconds: config.getOptionalNumber(`${base}.cacheSeconds`) ?? 300,
    timeoutMs: config.getOptionalNumber(`${base}.timeoutMs`) ?? 15_000,
  };
}
