import { groupFor } from '../../config/load-config.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { DEMO_ID_PREFIX, type Demo, type DemoOptions } from '../../roles/demo/demo.js';
import { auditReaderGroup, centralGroups, stateReaderGroup } from '../connect-role.js';

/**
 * `demo --kafka` shares the cluster with whatever network runs there: its CPs and drivers carry an
 * id prefix of their own, and its central joins that network's election (a central already
 * running there stays active and the demo's is its standby), so nothing is answered twice.
 */
export function kafkaDemoOptions(config: EvchargeConfig, prefix: string): Partial<DemoOptions> {
  return {
    idPrefix: prefix,
    groups: {
      central: { ...centralGroups(config), audit: auditReaderGroup(config) },
      cp: (id) => groupFor(config, 'cp', id),
      driver: (id) => {
        const main = groupFor(config, 'driver', id);
        return { main, state: stateReaderGroup(main) };
      },
    },
    centralSettings: {
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      healthPartitions: config.topics.health.partitions,
      takeoverTimeoutMs: config.takeoverTimeoutMs,
      configSource: config.source,
    },
  };
}

/**
 * Null once every demo CP is registered; otherwise the first refusal, as a message that says what
 * to do (another demo with the same prefix holds the ids). Gives up waiting after `timeoutMs`.
 */
export async function demoCollision(demo: Demo, timeoutMs = 20_000): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    for (const cp of demo.cps) {
      const answer = await Promise.race([cp.registered, timeout]);
      if (answer === 'timeout') return null;
      if (answer !== 'refused') continue;
      const { id } = cp.store.getSnapshot();
      return `${id} is in use on this cluster by another running process (another demo?); start this one with --id-prefix and a prefix of its own, e.g. --id-prefix DEMO2-`;
    }
    return null;
  } finally {
    clearTimeout(timer);
  }
}
