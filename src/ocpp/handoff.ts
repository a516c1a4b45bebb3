import type { ChargePoint } from '../roles/cp/index.js';
import { seqBaseOf, type OpenTransaction, type TransactionLog } from './transaction-log.js';
import type { GatewayEventKind } from './types.js';

/** A transaction open at a station: its id is the station's name for the evcharge session. */
export interface Transaction {
  transactionId: number;
  sessionId: string;
  idTag: string;
  meterStartWh: number;
  startedAt: number;
  /** How many times a gateway took it over from another (0: started here). */
  handoffs: number;
  /** Central's stop could not be delivered to the station (it was away). */
  stopRequested?: boolean;
  last: { kw: number; kwh: number };
}

export interface HandoffDeps {
  stationId: string;
  transactions: Pick<TransactionLog, 'waitFor' | 'write'>;
  cp(): Promise<ChargePoint>;
  /** The station's transaction here now, if any. */
  current(): Transaction | null;
  closed(): boolean;
  /** The transaction taken over is the station's here from now on. */
  adopted(tx: Transaction): void;
  /** The station's event (its id is added). */
  emit(kind: GatewayEventKind, text: string, data: Record<string, unknown>): void;
  remoteStop(transactionId: number, why: string): void;
}

/**
 * A station's transactions that another gateway started (or held last): the station moved here.
 * One takeover per transaction at a time; see docs/ocpp-gateways.md.
 */
export class Handoffs {
  private readonly adopting = new Map<number, Promise<Transaction | null>>();

  constructor(private readonly deps: HandoffDeps) {}

  /**
   * Goes on with the station's transaction `transactionId`: waits up to `ms` for another gateway's
   * record of it, writes it as this gateway's, and opens the supply on the CP again. Null when no
   * gateway has it open.
   */
  adopt(transactionId: number, ms: number): Promise<Transaction | null> {
    const tx = this.deps.current();
    if (tx?.transactionId === transactionId) return Promise.resolve(tx);
    let taking = this.adopting.get(transactionId);
    if (!taking) {
      taking = this.takeOver(transactionId, ms).finally(() => this.adopting.delete(transactionId));
      this.adopting.set(transactionId, taking);
    }
    return taking;
  }

  private async takeOver(transactionId: number, ms: number): Promise<Transaction | null> {
    const { deps } = this;
    const open: OpenTransaction | null = await deps.transactions.waitFor(deps.stationId, transactionId, ms);
    if (!open || deps.closed()) return null;
    const now = deps.current();
    if (now?.transactionId === transactionId) return now;
    const cp = await deps.cp();
    const handoffs = open.handoffs + 1;
    await deps.transactions.write(deps.stationId, { ...open, handoffs });
    const stopAsked = open.stopRequested === true;
    const resumed = await cp.resumeSupply({ sessionId: open.sessionId, driverId: open.idTag, startedAt: open.startedAt, seqBase: seqBaseOf(handoffs), stopAsked });
    if (!resumed.ok) {
      deps.emit('unknown-transaction', `could not take transaction ${transactionId} over: ${resumed.text}`, { transactionId });
      return null;
    }
    const tx: Transaction = { transactionId, sessionId: open.sessionId, idTag: open.idTag, meterStartWh: open.meterStartWh, startedAt: open.startedAt, handoffs, stopRequested: stopAsked, last: { kw: 0, kwh: 0 } };
    deps.adopted(tx);
    deps.emit('transaction-resumed', `goes on with transaction ${transactionId} for ${open.idTag} (session ${open.sessionId.slice(0, 8)}), taken over from another gateway (handoff ${handoffs})`, {
      transactionId,
      sessionId: open.sessionId,
      idTag: open.idTag,
      meterStart: open.meterStartWh,
      handoffs,
    });
    // Central's stop never reached the station while it was away: it does now.
    if (stopAsked) deps.remoteStop(transactionId, ', asked for while the station was away');
    return tx;
  }
}
