/**
 * What every command handler gets: the parsed flags. Its own module, so the handlers in roles/
 * and run-command, which calls them, do not import each other.
 */
export type RoleName = 'central' | 'cp' | 'driver' | 'demo' | 'sim' | 'doctor' | 'acl' | 'registry' | 'audit' | 'ocpp';

export interface CommonArgs {
  /** `--config F`; unset, the lookup of findConfig decides. */
  config?: string | undefined;
  tui: boolean;
  json: boolean;
  [flag: string]: unknown;
}
