import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, parseConfig, type LoadOptions } from './load-config.js';
import type { EvchargeConfig } from './schema.js';

/** Where a role's settings come from. */
export type ConfigSource =
  | { kind: 'file'; path: string; via: '--config' | 'EVCHARGE_CONFIG' | 'working directory' | 'user config' }
  | { kind: 'built-in' };

export interface FindConfigInputs {
  /** `--config F`, when given. */
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The home directory (for `~/.config` when XDG_CONFIG_HOME is unset). */
  home?: string;
  exists?: (p: string) => boolean;
}

/** `$XDG_CONFIG_HOME/evcharge/config.yaml`, `~/.config/evcharge/config.yaml` when it is unset. */
export function userConfigPath(env: NodeJS.ProcessEnv, home = homedir()): string {
  const base = env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME']) ? env['XDG_CONFIG_HOME'] : path.join(home, '.config');
  return path.join(base, 'evcharge', 'config.yaml');
}

/**
 * The lookup order (README "Configuration"): `--config F`, then `EVCHARGE_CONFIG`, then
 * `kafka_config.yaml` in the working directory, then the user's config file, then the built-in
 * defaults (one local broker). A file named by the flag or the variable must exist (loading it
 * says so); the other two are used only when they exist.
 */
export function findConfig({ flag, env, cwd, home, exists = existsSync }: FindConfigInputs): ConfigSource {
  if (flag !== undefined) return { kind: 'file', path: flag, via: '--config' };
  const named = env['EVCHARGE_CONFIG'];
  if (named) return { kind: 'file', path: named, via: 'EVCHARGE_CONFIG' };
  const local = path.join(cwd, DEFAULT_CONFIG_PATH);
  if (exists(local)) return { kind: 'file', path: DEFAULT_CONFIG_PATH, via: 'working directory' };
  const user = userConfigPath(env, home);
  if (exists(user)) return { kind: 'file', path: user, via: 'user config' };
  return { kind: 'built-in' };
}

/** The settings used when no file is found: one local broker, the design's 3 partitions. */
export const BUILT_IN_CONFIG = `kafka:
  bootstrap_servers: ["127.0.0.1:9092"]
topic_defaults:
  partitions: 3
  replication_factor: 1
  min_insync_replicas: 1
`;

/** Loads the settings `findConfig` chose; an unreadable or invalid file is a ConfigError. */
export function loadFoundConfig(found: ConfigSource, options: LoadOptions = {}): EvchargeConfig {
  if (found.kind === 'built-in') return parseConfig(BUILT_IN_CONFIG, 'built-in defaults', options);
  try {
    return loadConfig(found.path, options);
  } catch (e) {
    if (found.via === 'EVCHARGE_CONFIG' && e instanceof ConfigError && /cannot read it/.test(e.message)) {
      throw new ConfigError(`EVCHARGE_CONFIG names ${e.message.replace(/^config /, '')}; point it at a readable file or unset it`);
    }
    throw e;
  }
}
