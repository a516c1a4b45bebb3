import type { Central } from '../../roles/central/index.js';

/** What the central monitor uses of the central role (tests may pass a fake with the same shape). */
export type CentralRole = Pick<Central, 'store' | 'onEvent' | 'counters' | 'busStatus' | 'stop' | 'resume' | 'forget' | 'resetKeys'>;
