import type { IntentResult } from '../../roles/shared/role.js';
import { isQuitKey, useKeys } from '../shared/use-keys.js';
import type { ChargePointRole } from './cp-role.js';

export interface CpKeysArgs {
  cp: ChargePointRole;
  helpOpen: boolean;
  setHelp: (open: boolean) => void;
  panels: boolean;
  run: (intent: () => Promise<IntentResult>) => void;
  quit: () => void;
}

/** The meter's keys: u unplug, f fault, r recover, ? help, q quit. */
export function useCpKeys({ cp, helpOpen, setHelp, panels, run, quit }: CpKeysArgs): void {
  useKeys((input, key) => {
    if (isQuitKey(input, key)) return quit();
    if (helpOpen) return setHelp(false);
    if (!panels) return;
    switch (input) {
      case '?':
        return setHelp(true);
      case 'u':
        return run(() => cp.unplug());
      case 'f':
        return run(() => cp.fault());
      case 'r':
        return run(() => cp.recover());
    }
  });
}
