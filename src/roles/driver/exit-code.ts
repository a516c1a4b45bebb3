import type { ServiceResult } from './service-result.js';

/**
 * The README's exit-code rule for a driver's services, in one place for `--cp`, `--file` and the
 * stdin session: 0 when every service asked for completed, 1 when one was denied, failed, cut
 * short by central or the CP, or never attempted because the run was quit first.
 */
export function servicesExitCode(results: readonly Pick<ServiceResult, 'status'>[], asked = results.length): 0 | 1 {
  return results.length === asked && results.every((r) => r.status === 'completed') ? 0 : 1;
}
