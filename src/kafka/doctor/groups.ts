import type { EvchargeConfig } from '../../config/schema.js';

export type GroupRole = 'central' | 'cp' | 'driver';

export interface GroupMatch {
  groupId: string;
  role: GroupRole;
  /** The CP or driver id the template yields; null for central. */
  id: string | null;
}

/** The alphabet of CP and driver ids (src/protocol/ids.ts): what `{cp_id}` may stand for. */
const ID = '[A-Za-z0-9_-]{1,64}';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function templateSource(template: string, placeholder: string): string {
  return template.split(placeholder).map(escape).join(`(${ID})`);
}

export interface GroupPatterns {
  /** A main group of central, a CP or a driver, or null. */
  match(groupId: string): GroupMatch | null;
  /**
   * The short-lived groups the roles make next to their main group (`<main>-state-<random>`,
   * `<main>-registration-<instance>`): they never commit and Kafka drops them when empty.
   * Ask `match` first: a main group always wins.
   */
  isShortLived(groupId: string): boolean;
}

export function groupPatterns(groups: EvchargeConfig['groups']): GroupPatterns {
  const cp = new RegExp(`^${templateSource(groups.cp, '{cp_id}')}$`);
  const driver = new RegExp(`^${templateSource(groups.driver, '{driver_id}')}$`);
  const main = `(?:${escape(groups.central)}|${templateSource(groups.cp, '{cp_id}')}|${templateSource(groups.driver, '{driver_id}')})`;
  const shortLived = new RegExp(`^${main}-(?:state|registration|audit)-[A-Za-z0-9_-]+$`);
  return {
    match(groupId) {
      if (groupId === groups.central) return { groupId, role: 'central', id: null };
      const c = cp.exec(groupId);
      if (c) return { groupId, role: 'cp', id: c[1] ?? null };
      const d = driver.exec(groupId);
      if (d) return { groupId, role: 'driver', id: d[1] ?? null };
      return null;
    },
    isShortLived: (groupId) => shortLived.test(groupId),
  };
}

/** Lag of one partition: end offset minus committed offset; null when nothing is committed. */
export function partitionLag(committed: number | null, end: number): number | null {
  if (committed === null || committed < 0) return null;
  return Math.max(0, end - committed);
}
