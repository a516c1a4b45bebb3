import { randomUUID } from 'node:crypto';
import { startCentral, type Central } from '../../src/roles/central/index.js';
import type { CpEndReason } from '../../src/protocol/index.js';
import { run, send, sent, type TestNet } from './helpers.js';

export const CENTRAL_GROUPS = { main: 'central-group', state: 'central-group-state', lease: 'central-group-lease' };

export function startTestCentral(net: TestNet, extra: { heartbeatTimeoutMs?: number; requestTtlMs?: number } = {}): Promise<Central> {
  return startCentral({ bus: net.bus, clock: net.clock, groups: CENTRAL_GROUPS, ...extra });
}

/** A charge point played by the test, message by message, to exercise central's rules. */
export class FakeCp {
  readonly instanceId = randomUUID();
  constructor(
    private readonly net: TestNet,
    readonly id: string,
    readonly price = 0.4,
  ) {}

  register() {
    return send(this.net, 'cp.register', { cpId: this.id, instanceId: this.instanceId, location: 'Test St', pricePerKwh: this.price, maxKw: 22 });
  }
  heartbeat(status: 'idle' | 'supplying' | 'faulted' = 'idle', sessionId: string | null = null, ts?: number) {
    return send(this.net, 'cp.heartbeat', { cpId: this.id, instanceId: this.instanceId, status, sessionId, outOfService: false }, { ts });
  }
  started(sessionId: string, driverId: string) {
    return send(this.net, 'supply.started', { cpId: this.id, instanceId: this.instanceId, sessionId, driverId, startedAt: this.net.clock.now() });
  }
  telemetry(sessionId: string, seq: number, kwh: number, id?: string) {
    return send(this.net, 'supply.telemetry', { cpId: this.id, instanceId: this.instanceId, sessionId, seq, kw: 11, kwh, eur: 0 }, { id });
  }
  ended(sessionId: string, seq: number, kwh: number, reason: CpEndReason, id?: string) {
    return send(this.net, 'supply.ended', { cpId: this.id, instanceId: this.instanceId, sessionId, seq, kwh, reason, endedAt: this.net.clock.now() }, { id });
  }
  fault() {
    return send(this.net, 'cp.fault', { cpId: this.id, instanceId: this.instanceId, detail: 'test fault' });
  }
  recover() {
    return send(this.net, 'cp.recover', { cpId: this.id, instanceId: this.instanceId });
  }
  commands() {
    return [
      ...sent(this.net, 'cp-commands', 'cmd.start-supply'),
      ...sent(this.net, 'cp-commands', 'cmd.stop-supply'),
    ].filter((m) => m.payload.cpId === this.id);
  }
}

/** A driver played by the test. */
export class FakeDriver {
  constructor(
    private readonly net: TestNet,
    readonly id: string,
  ) {}

  async request(cpId: string, requestId: string = randomUUID(), ts?: number): Promise<string> {
    await send(this.net, 'driver.request', { requestId, driverId: this.id, cpId }, { ts });
    return requestId;
  }
  async stop(sessionId?: string): Promise<string> {
    const requestId = randomUUID();
    await send(this.net, 'driver.stop', { requestId, driverId: this.id, ...(sessionId ? { sessionId } : {}) });
    return requestId;
  }
  answers(requestId?: string) {
    return sent(this.net, 'auth-response', 'auth.response').filter(
      (m) => m.payload.driverId === this.id && (requestId === undefined || m.payload.requestId === requestId),
    );
  }
  answer(requestId: string) {
    const all = this.answers(requestId);
    if (all.length === 0) throw new Error(`no answer to ${requestId}`);
    return all[all.length - 1]!.payload;
  }
  tickets() {
    return sent(this.net, 'driver-updates', 'driver.ticket').filter((m) => m.payload.driverId === this.id).map((m) => m.payload.ticket);
  }
  progress() {
    return sent(this.net, 'driver-updates', 'driver.progress').filter((m) => m.payload.driverId === this.id).map((m) => m.payload);
  }
}

/** Advances time while the given fake CPs keep heartbeating once a second. */
export async function runWithHeartbeats(net: TestNet, ms: number, cps: FakeCp[]): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    for (const cp of cps) await cp.heartbeat();
    await run(net, Math.min(1000, ms - t));
  }
}

export function stateOf(central: Central, cpId: string) {
  return central.store.getSnapshot().cps.find((c) => c.id === cpId);
}
