import type { CpRecord, CpState, Supply } from '../../protocol/index.js';
import type { CpView } from './types.js';

/** The one rule that turns a CP's flags into the state everyone sees. */
export function deriveState(cp: Pick<CpRecord, 'connected' | 'faulted' | 'outOfService' | 'supply' | 'keysResetAt'>): CpState {
  if (!cp.connected) return 'DISCONNECTED';
  if (cp.faulted) return 'FAULTED';
  if (cp.outOfService || cp.keysResetAt !== undefined) return 'OUT_OF_SERVICE';
  if (cp.supply) return 'CHARGING';
  return 'AVAILABLE';
}

/**
 * How stale a supply's live figures (kW, kWh, €, telemetry seq) may be on cp-state. cp-state says
 * what a CP is; drivers get each reading of their own supply on driver-updates, and only standbys
 * and a central that restarts read live figures from cp-state (a ticket's kWh is the CP's own
 * final reading either way). Re-publishing a CP's whole record at every reading made every driver
 * decode the network's telemetry.
 */
export const LIVE_STATE_MS = 5000;

/**
 * Central's CPs, mutable inside, with what the rest needs cheaply: which driver has an open supply
 * where, which CPs changed since the last publish (their cp-state is re-published once per batch;
 * live figures alone at most every LIVE_STATE_MS), and frozen per-CP views that keep their
 * identity while a CP does not change.
 */
export class CpTable {
  private readonly records = new Map<string, CpRecord>();
  private readonly driverToCp = new Map<string, string>();
  private readonly changed = new Set<string>();
  /** CPs whose live figures changed and are not on cp-state yet. */
  private readonly live = new Set<string>();
  private readonly publishedAt = new Map<string, number>();
  /** Something a view shows changed since takeViewChange. */
  private viewsChanged = false;
  private readonly viewCache = new Map<string, CpView>();
  private sorted: CpView[] | null = null;
  /** Ids in order; they change only when a CP is added, not on every touch. */
  private sortedIds: string[] | null = null;

  get(id: string): CpRecord | undefined {
    return this.records.get(id);
  }

  all(): IterableIterator<CpRecord> {
    return this.records.values();
  }

  get size(): number {
    return this.records.size;
  }

  /** Forgets every CP (a central taking over adopts them again from cp-state). */
  clear(): void {
    this.records.clear();
    this.driverToCp.clear();
    this.changed.clear();
    this.live.clear();
    this.publishedAt.clear();
    this.viewsChanged = true;
    this.viewCache.clear();
    this.sorted = null;
    this.sortedIds = null;
  }

  /** Adds or replaces a CP record (registration, rebuild). */
  put(record: CpRecord): void {
    const previous = this.records.get(record.id);
    if (previous?.supply) this.driverToCp.delete(previous.supply.driverId);
    if (!previous) this.sortedIds = null;
    this.records.set(record.id, record);
    if (record.supply) this.driverToCp.set(record.supply.driverId, record.id);
    this.touch(record);
  }

  /** Drops a CP for good (the operator forgot it); the caller writes its tombstone. */
  remove(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    if (record.supply) this.driverToCp.delete(record.supply.driverId);
    this.records.delete(id);
    this.changed.delete(id);
    this.live.delete(id);
    this.publishedAt.delete(id);
    this.viewsChanged = true;
    this.viewCache.delete(id);
    this.sorted = null;
    this.sortedIds = null;
  }

  /** Call after mutating a record: recomputes its state and schedules its cp-state. */
  touch(cp: CpRecord): void {
    cp.state = deriveState(cp);
    this.changed.add(cp.id);
    this.live.delete(cp.id);
    this.viewChanged(cp.id);
  }

  /** Call after a supply's live figures changed: views show it now, cp-state within LIVE_STATE_MS. */
  touchLive(cp: CpRecord): void {
    if (!this.changed.has(cp.id)) this.live.add(cp.id);
    this.viewChanged(cp.id);
  }

  private viewChanged(id: string): void {
    this.viewCache.delete(id);
    this.sorted = null;
    this.viewsChanged = true;
  }

  /** Whether a view changed since the last call (the store then re-reads the table). */
  takeViewChange(): boolean {
    const changed = this.viewsChanged;
    this.viewsChanged = false;
    return changed;
  }

  openSupply(cp: CpRecord, supply: Supply): void {
    cp.supply = supply;
    this.driverToCp.set(supply.driverId, cp.id);
    this.touch(cp);
  }

  closeSupply(cp: CpRecord): void {
    if (cp.supply) this.driverToCp.delete(cp.supply.driverId);
    cp.supply = null;
    this.touch(cp);
  }

  /** The CP where this driver has an open supply, if any. */
  cpOfDriver(driverId: string): CpRecord | undefined {
    const id = this.driverToCp.get(driverId);
    return id === undefined ? undefined : this.records.get(id);
  }

  /** CPs to publish on cp-state now: every changed one, and those whose live figures are due. */
  takeChanged(now: number): CpRecord[] {
    const out: CpRecord[] = [];
    const take = (id: string) => {
      const cp = this.records.get(id);
      if (!cp) return;
      out.push(cp);
      this.publishedAt.set(id, now);
    };
    for (const id of this.changed) take(id);
    this.changed.clear();
    for (const id of this.live) {
      if (now - (this.publishedAt.get(id) ?? -Infinity) < LIVE_STATE_MS) continue;
      this.live.delete(id);
      take(id);
    }
    return out;
  }

  /** Drops what is waiting to be published (a standby's mirror is cp-state itself). */
  discardChanges(): void {
    this.changed.clear();
    this.live.clear();
  }

  views(): CpView[] {
    if (this.sorted) return this.sorted;
    this.sortedIds ??= [...this.records.keys()].sort();
    this.sorted = this.sortedIds.map((id) => {
      let view = this.viewCache.get(id);
      if (!view) {
        view = freezeRecord(this.records.get(id)!);
        this.viewCache.set(id, view);
      }
      return view;
    });
    return this.sorted;
  }
}

function freezeRecord(cp: CpRecord): CpView {
  return Object.freeze({
    ...cp,
    supply: cp.supply ? Object.freeze({ ...cp.supply }) : null,
    recentSessions: Object.freeze(cp.recentSessions.map((s) => Object.freeze({ ...s }))) as CpRecord['recentSessions'],
    totals: Object.freeze({ ...cp.totals }),
    ...(cp.today && { today: Object.freeze({ ...cp.today }) }),
  });
}
