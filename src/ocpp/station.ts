import type { Clock } from '../bus/clock.js';
import type { StationSettings } from '../config/ocpp-config.js';
import type { ChargePoint, ExternalHardware, Registration } from '../roles/cp/index.js';
import type { DriverLink } from './driver-link.js';
import { availabilityType, idTagStatus, kwhSince, meterSample, readingFrom, statusEffect, type AuthOutcome, type SampledValue, type StationStatus } from './mapping.js';
import { Handoffs, type Transaction } from './handoff.js';
import type { TransactionLog } from './transaction-log.js';
import type { GatewayEventKind, OcppLink } from './types.js';

/** A grant central gave an idTag at this station, before the station's StartTransaction. */
interface Grant {
  idTag: string;
  sessionId: string;
  timer: unknown;
}

export interface StationDeps {
  link: OcppLink;
  settings: StationSettings;
  heartbeatIntervalS: number;
  bootWaitMs: number;
  /**
   * How long a grant waits for the station's StartTransaction (OCPP's ConnectionTimeOut): then
   * the supply ends at 0 kWh, so neither the driver nor the CP stays held by a car that never came.
   */
  connectionTimeoutMs: number;
  clock: Clock;
  driver: DriverLink;
  events: { emit(kind: GatewayEventKind, text: string, data?: Record<string, unknown>): void };
  /** Starts this station's CP with the station as its hardware. */
  startCp(external: ExternalHardware): Promise<ChargePoint>;
  /** A transaction id above every one this station was given, on any gateway. */
  nextTransactionId(): number;
  /** The stations' open transactions, shared by every gateway. */
  transactions: Pick<TransactionLog, 'open' | 'waitFor' | 'write' | 'heldHere'>;
  /**
   * How long a MeterValues or StopTransaction naming a transaction not open here waits for
   * another gateway's record of it (the station moved right after its StartTransaction).
   */
  takeoverWaitMs: number;
  /** Central refused this station's CP (another live process has the id): the gateway lets the station go. */
  refused(reason: string): void;
}

const time = () => new Date().toISOString();

/**
 * One connected OCPP station as an evcharge CP: its calls are mapped (mapping.ts) onto the CP
 * role and central; central's orders to the CP come back here as calls to the station.
 * One connector at a time: the CP has one supply.
 */
export class Station {
  readonly id: string;
  private cp: ChargePoint | null = null;
  private readonly cpStarted: Promise<ChargePoint>;
  private grant: Grant | null = null;
  /** idTags this station's own Authorize (or StartTransaction) is asking central for right now. */
  private readonly authorizing = new Set<string>();
  private tx: Transaction | null = null;
  private readonly handoffs: Handoffs;
  private outOfServiceByCentral = false;
  private closed = false;

  constructor(private readonly deps: StationDeps) {
    this.id = deps.link.identity;
    this.handoffs = new Handoffs({
      stationId: this.id,
      transactions: deps.transactions,
      cp: () => this.cpStarted,
      current: () => this.tx,
      closed: () => this.closed,
      adopted: (tx) => (this.tx = tx),
      emit: (kind, text, data) => this.emit(kind, text, data),
      remoteStop: (transactionId, why) => void this.callStation('RemoteStopTransaction', { transactionId }, 'remote-stop', `transaction ${transactionId}${why}`),
    });
    this.registerHandlers();
    this.cpStarted = deps.startCp({
      supplyStarted: (sessionId, driverId) => void this.supplyStarted(sessionId, driverId),
      stopRequested: (sessionId) => void this.stopRequested(sessionId),
      serviceChanged: (inService) => void this.serviceChanged(inService),
    });
    void this.cpStarted
      .then((cp) => {
        this.cp = cp;
        // A transaction another gateway left open: go on with it before any command arrives (the
        // CP reads cp-commands only once registered), so central's stop finds it here.
        const open = deps.transactions.open(this.id);
        if (open) void this.handoffs.adopt(open.transactionId, 0);
      })
      .catch(() => {});
  }

  /** The open transaction `transactionId`: this gateway's, or another's taken over. */
  private async transaction(transactionId: number | undefined): Promise<Transaction | null> {
    const tx = this.tx;
    if (transactionId === undefined || tx?.transactionId === transactionId) return tx;
    // One connector, one transaction: a station's id for another open one is not ours to bill.
    if (tx) return null;
    return this.handoffs.adopt(transactionId, this.deps.takeoverWaitMs);
  }

  /** A transaction is open here (the station is charging, or was when its socket closed). */
  hasOpenTransaction(): boolean {
    return this.tx !== null;
  }

  /** The socket closed: the CP stops (no more heartbeats), so central marks it DISCONNECTED after its timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropGrant();
    const cp = await this.cpStarted.catch(() => null);
    await cp?.close().catch(() => {});
  }

  /** A grant waits for the station's StartTransaction, at most the connection timeout. */
  private holdGrant(idTag: string, sessionId: string): void {
    this.dropGrant();
    const timer = this.deps.clock.setTimeout(() => {
      if (this.grant?.sessionId === sessionId) void this.endUnstarted('no StartTransaction within the connection timeout');
    }, this.deps.connectionTimeoutMs);
    this.grant = { idTag, sessionId, timer };
  }

  private dropGrant(): void {
    if (this.grant) this.deps.clock.clearTimeout(this.grant.timer);
    this.grant = null;
  }

  /** Ends a supply the station never started (0 kWh: nothing flowed). */
  private async endUnstarted(why: string): Promise<void> {
    const sessionId = this.grant?.sessionId;
    this.dropGrant();
    const ended = await this.cp?.stationEnded(0).catch(() => null);
    if (ended?.ok && sessionId) this.emit('transaction-stopped', `session ${sessionId.slice(0, 8)} ended before the station started it: ${why}`, { sessionId, kwh: 0, reason: why });
  }

  private emit(kind: GatewayEventKind, text: string, data: Record<string, unknown> = {}): void {
    this.deps.events.emit(kind, `${this.id} ${text}`, { cpId: this.id, ...data });
  }

  /** The CP, registered with central (or the registration's outcome once it waited `ms`). */
  private async registered(ms: number): Promise<{ cp: ChargePoint; registration: Registration }> {
    const cp = await this.cpStarted;
    const { clock } = this.deps;
    let timer: unknown;
    const waited = new Promise<Registration>((resolve) => (timer = clock.setTimeout(() => resolve('registering'), ms)));
    const registration = await Promise.race([cp.registered, waited]);
    clock.clearTimeout(timer);
    return { cp, registration };
  }

  private registerHandlers(): void {
    const { link } = this.deps;
    link.handle('BootNotification', (p) => this.onBoot(p));
    link.handle('Heartbeat', () => ({ currentTime: time() }));
    link.handle('StatusNotification', (p) => this.onStatus(p));
    link.handle('Authorize', (p) => this.onAuthorize(p));
    link.handle('StartTransaction', (p) => this.onStartTransaction(p));
    link.handle('MeterValues', (p) => this.onMeterValues(p));
    link.handle('StopTransaction', (p) => this.onStopTransaction(p));
    // Accepted and not acted on: nothing in evcharge needs them yet.
    link.handle('DataTransfer', () => ({ status: 'UnknownVendorId' }));
    link.handle('DiagnosticsStatusNotification', () => ({}));
    link.handle('FirmwareStatusNotification', () => ({}));
  }

  private async onBoot(p: { chargePointVendor: string; chargePointModel: string }): Promise<Record<string, unknown>> {
    const { registration } = await this.registered(this.deps.bootWaitMs);
    const status = registration === 'registered' ? 'Accepted' : registration === 'refused' ? 'Rejected' : 'Pending';
    const interval = status === 'Pending' ? Math.min(10, this.deps.heartbeatIntervalS) : this.deps.heartbeatIntervalS;
    this.emit('boot', `booted (${p.chargePointVendor} ${p.chargePointModel}): ${status}`, { vendor: p.chargePointVendor, model: p.chargePointModel, status });
    if (status === 'Rejected') this.deps.refused(this.cp?.store.getSnapshot().refusedReason ?? 'registration refused');
    return { status, currentTime: time(), interval };
  }

  private async onStatus(p: { connectorId: number; status: StationStatus; errorCode: string; info?: string; vendorErrorCode?: string }): Promise<Record<string, unknown>> {
    const { cp } = await this.registered(this.deps.bootWaitMs);
    const snap = cp.store.getSnapshot();
    const effect = statusEffect(p, { faulted: snap.faulted, outOfServiceByCentral: this.outOfServiceByCentral });
    this.emit('status', `connector ${p.connectorId} ${p.status} (${p.errorCode})`, { connectorId: p.connectorId, status: p.status, errorCode: p.errorCode, effect: effect.kind });
    if (effect.kind === 'fault') await cp.fault(effect.detail);
    else if (effect.kind === 'recover') await cp.recover();
    return {};
  }

  /** Asks central for the idTag as a driver at this CP; a grant waits for the station's StartTransaction. */
  private async authorize(idTag: string): Promise<AuthOutcome> {
    if (this.grant?.idTag === idTag) return { kind: 'granted', sessionId: this.grant.sessionId };
    await this.registered(this.deps.bootWaitMs);
    this.authorizing.add(idTag);
    const outcome = await this.deps.driver.authorize(idTag, this.id).finally(() => this.authorizing.delete(idTag));
    if (outcome.kind === 'granted') this.holdGrant(idTag, outcome.sessionId);
    const why = outcome.kind === 'denied' || outcome.kind === 'bad-id' ? `: ${outcome.reason}` : outcome.kind === 'no-answer' ? ': central did not answer' : '';
    this.emit('authorize', `idTag ${idTag}: ${idTagStatus(outcome)}${why}`, {
      idTag,
      status: idTagStatus(outcome),
      ...(outcome.kind === 'granted' && { sessionId: outcome.sessionId }),
      ...(outcome.kind === 'denied' && { code: outcome.code }),
    });
    return outcome;
  }

  private async onAuthorize(p: { idTag: string }): Promise<Record<string, unknown>> {
    return { idTagInfo: { status: idTagStatus(await this.authorize(p.idTag)) } };
  }

  private async onStartTransaction(p: { connectorId: number; idTag: string; meterStart: number }): Promise<Record<string, unknown>> {
    // Without an Authorize first (the station's local cache said yes), central is asked now.
    const outcome = await this.authorize(p.idTag);
    const transactionId = this.deps.nextTransactionId();
    const status = idTagStatus(outcome);
    if (outcome.kind !== 'granted') return { transactionId, idTagInfo: { status } };
    this.dropGrant();
    const startedAt = this.deps.clock.now();
    this.tx = { transactionId, sessionId: outcome.sessionId, idTag: p.idTag, meterStartWh: p.meterStart, startedAt, handoffs: 0, last: { kw: 0, kwh: 0 } };
    // On the topic before the station knows its id: whichever gateway it names it to next finds it.
    await this.deps.transactions.write(this.id, { transactionId, sessionId: outcome.sessionId, idTag: p.idTag, meterStartWh: p.meterStart, startedAt, handoffs: 0 });
    // Now the supply has started, for central and the driver too.
    await (await this.cpStarted).stationStarted();
    this.emit('transaction-started', `transaction ${transactionId} for ${p.idTag} (session ${outcome.sessionId.slice(0, 8)}), meter ${p.meterStart} Wh`, {
      transactionId,
      sessionId: outcome.sessionId,
      idTag: p.idTag,
      connectorId: p.connectorId,
      meterStart: p.meterStart,
    });
    return { transactionId, idTagInfo: { status } };
  }

  private async onMeterValues(p: { connectorId: number; transactionId?: number; meterValue: { sampledValue: SampledValue[] }[] }): Promise<Record<string, unknown>> {
    // Readings outside a transaction (the clock-aligned register of an idle station) bill nobody.
    const tx = await this.transaction(p.transactionId);
    if (!tx) return {};
    const reading = readingFrom(meterSample(p.meterValue), tx.meterStartWh, tx.last);
    if (!reading) return {};
    tx.last = reading;
    const cp = await this.cpStarted;
    await cp.reading(reading);
    return {};
  }

  private async onStopTransaction(p: { transactionId: number; meterStop: number; reason?: string; idTag?: string }): Promise<Record<string, unknown>> {
    const tx = await this.transaction(p.transactionId);
    if (!tx) {
      // A stop the station queued while offline, or of a transaction central refused: acknowledged so it is not sent again.
      this.emit('unknown-transaction', `stopped transaction ${p.transactionId}, which is not open here`, { transactionId: p.transactionId });
      return {};
    }
    this.tx = null;
    const kwh = kwhSince(tx.meterStartWh, p.meterStop);
    const cp = await this.cpStarted;
    await cp.stationEnded(kwh);
    await this.deps.transactions.write(this.id, null);
    this.emit('transaction-stopped', `transaction ${p.transactionId} stopped (${p.reason ?? 'Local'}): ${kwh.toFixed(3)} kWh`, {
      transactionId: p.transactionId,
      sessionId: tx.sessionId,
      meterStart: tx.meterStartWh,
      meterStop: p.meterStop,
      kwh,
      reason: p.reason ?? 'Local',
    });
    return { idTagInfo: { status: 'Accepted' } };
  }

  /**
   * Central started a supply here. Asked for by this station's own Authorize: nothing to do. Asked
   * for by a driver (`evcharge driver --cp`): RemoteStartTransaction, and the station's
   * Authorize / StartTransaction for that idTag then find the grant.
   */
  private async supplyStarted(sessionId: string, driverId: string): Promise<void> {
    if (this.grant?.sessionId === sessionId || this.tx?.sessionId === sessionId || this.authorizing.has(driverId)) return;
    this.holdGrant(driverId, sessionId);
    const status = await this.callStation('RemoteStartTransaction', { connectorId: 1, idTag: driverId }, 'remote-start', `for ${driverId}`);
    if (status !== 'Accepted' && this.grant?.sessionId === sessionId) await this.endUnstarted(`the station answered RemoteStartTransaction ${status ?? 'with an error'}`);
  }

  /** Central (or the driver, through central) stops the session: RemoteStopTransaction to the station. */
  private async stopRequested(sessionId: string): Promise<void> {
    const tx = this.tx;
    if (tx?.sessionId !== sessionId) {
      // Granted, but the station has not started it: nothing is flowing, the supply ends at 0 kWh.
      await this.endUnstarted('stopped by central');
      return;
    }
    const status = await this.callStation('RemoteStopTransaction', { transactionId: tx.transactionId }, 'remote-stop', `transaction ${tx.transactionId}`);
    if (status === null && this.tx === tx && !tx.stopRequested && this.deps.transactions.heldHere(this.id)) {
      // Not delivered (the station is away): the gateway that holds it next asks again. Not if
      // another gateway holds it already: its CP got the same order, and delivers it.
      tx.stopRequested = true;
      const { last: _last, ...open } = tx;
      await this.deps.transactions.write(this.id, open);
    }
  }

  /** Central's stop / resume of the CP: ChangeAvailability of the whole station (connector 0). */
  private async serviceChanged(inService: boolean): Promise<void> {
    this.outOfServiceByCentral = !inService;
    const type = availabilityType(inService);
    await this.callStation('ChangeAvailability', { connectorId: 0, type }, 'change-availability', type);
  }

  /** A call to the station; its answer's status, or null when it failed (reported). */
  private async callStation(action: string, params: Record<string, unknown>, kind: GatewayEventKind, what: string): Promise<string | null> {
    if (this.closed) return null;
    try {
      const result = (await this.deps.link.call(action, params)) as { status?: string };
      this.emit(kind, `${action} ${what}: ${result.status ?? 'answered'}`, { action, ...params, status: result.status ?? null });
      return result.status ?? null;
    } catch (e) {
      this.emit('call-failed', `${action} ${what} failed: ${(e as Error).message}`, { action, ...params, error: (e as Error).message });
      return null;
    }
  }
}
