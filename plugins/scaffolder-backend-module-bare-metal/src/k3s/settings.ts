import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** `inference.bareMetal.k3s`: how K3s is installed over SSH. */
export interface K3sSettings {
  /** Where nodes download the install script (http(s) or file URL). */
  installScriptUrl: string;
  /** K3s data dir, only when configured (passed as --data-dir). */
  dataDir?: string;
  /** K3s binary dir, only when configured (INSTALL_K3S_BIN_DIR). */
  binDir?: string;
  /** Air-gapped artifacts on the backend host. */
  airGap?: { binaryPath: string; installScriptPath: string };
  /** Timeout of one remote install command. */
  commandTimeoutMs: number;
}

const SCRIPT_URL =
  /^(https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?|file:\/\/)(\/[A-Za-z0-9._~%\/+-]*)?$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._\/+-]*$/;

function path(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value !== undefined && !ABSOLUTE_PATH.test(value)) {
    throw new InputError(
      `Invalid bare-metal config: ${key} must be an absolute path of [A-Za-z0-9._/+-]`,
    );
  }
  return value;
}

export function readK3sSettings(config: Config): K3sSettings {
  const base = 'inference.bareMetal.k3s';
  const installScriptUrl =
    config.getOptionalString(`${base}.installScriptUrl`) ??
    'https://get.k3s.io';
  if (!SCRIPT_URL.test(installScriptUrl)) {
    throw new InputError(
      `Invalid bare-metal config: ${base}.installScriptUrl must be an http(s) or file URL`,
    );
  }
  const airGap = config.getOptionalConfig(`${base}.airGap`);
  const seconds =
    config.getOptionalNumber(`${base}.commandTimeoutSeconds`) ?? 900;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new InputError(
      `Invalid bare-metal config: ${base}.commandTimeoutSeconds must be a positive integer`,
    );
  }
  return {
    installScriptUrl,
    dataDir: path(config, `${base}.dataDir`),
    binDir: path(config, `${base}.binDir`),
    airGap: airGap
      ? {
          binaryPath: airGap.getString('binaryPath'),
          installScriptPath: airGap.getString('installScriptPath'),
        }
      : undefined,
    commandTimeoutMs: seconds * 1000,
  };
}
