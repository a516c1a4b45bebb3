import { SharedSubscriptionBus } from '../../src/bus/shared-subscription-bus.js';
import { DriverLink } from '../../src/ocpp/driver-link.js';
import { Station } from '../../src/ocpp/station.js';
import { stationInstanceId } from '../../src/ocpp/station-instance.js';
import { TransactionLog } from '../../src/ocpp/transaction-log.js';
import type { OcppLink } from '../../src/ocpp/types.js';
import { startChargePoint, type ChargePoint } from '../../src/roles/cp/index.js';
import type { TestNet } from './helpers.js';

/** The station's end of the socket, played by the test: calls in by action, the gateway's calls recorded and answered. */
export class FakeLink implements OcppLink {
  readonly handlers = new Map<string, (params: any) => unknown>();
  readonly calls: { action: string; params: Record<string, unknown> }[] = [];
  /** What the station answers the gateway's calls, by action (default Accepted). */
  readonly answers = new Map<string, string>();
  constructor(readonly identity: string) {}
  handle(action: string, handler: (params: any) => any): void {
    this.handlers.set(action, handler);
  }
  async call(action: string, params: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ action, params });
    return { status: this.answers.get(action) ?? 'Accepted' };
  }
  async invoke(action: string, params: Record<string, unknown>): Promise<any> {
    const h = this.handlers.get(action);
    if (!h) throw new Error(`no handler for ${action}`);
    return h(params);
  }
}

/** One gateway's side of the harness: its shared bus, driver link and transaction log. */
export async function gatewaySide(net: TestNet, name: string) {
  const shared = new SharedSubscriptionBus(net.bus, { group: `gw-${name}`, commit: false, routedTopics: ['cp-register-ack', 'cp-commands', 'auth-response'] });
  const transactions = new TransactionLog({ bus: net.bus, group: `gw-${name}-tx`, gateway: name, clock: net.clock, onMalformed: () => {}, onPublishError: () => {} });
  await transactions.start();
  await shared.start();
  const driver = new DriverLink(shared, 5000, () => net.clock.now());
  let tx = 100;
  const events: { kind: string; data: Record<string, unknown> }[] = [];
  /** A station connected to this gateway, the station's end played by `link`. */
  const connect = (link: FakeLink) => {
    const id = link.identity;
    let cp: ChargePoint | null = null;
    const station = new Station({
      link,
      settings: { location: 'Depot', pricePerKwh: 0.5, maxKw: 11 },
      heartbeatIntervalS: 60,
      bootWaitMs: 5000,
      connectionTimeoutMs: 60_000,
      clock: net.clock,
      driver,
      events: { emit: (kind, _text, data = {}) => void events.push({ kind, data }) },
      nextTransactionId: () => (tx = Math.max(tx + 1, transactions.lastTransactionId(id) + 1)),
      transactions,
      takeoverWaitMs: 3000,
      refused: () => {},
      startCp: async (external) =>
        (cp = await startChargePoint({ bus: shared.view(id), clock: net.clock, id, instanceId: stationInstanceId(id), groups: { main: `cp-${id}-group` }, location: 'Depot', pricePerKwh: 0.5, maxKw: 11, external })),
    });
    return { station, cp: () => cp! };
  };
  return { shared, transactions, events, connect, close: async () => (await shared.close(), await transactions.close()) };
}

