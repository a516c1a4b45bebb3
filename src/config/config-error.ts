/** A config problem a person can act on; the CLI prints `message` and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
