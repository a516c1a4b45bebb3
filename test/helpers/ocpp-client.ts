import { RPCClient } from 'ocpp-rpc';

/** The station's side of OCPP tests: ocpp-rpc's client, not evcharge's code. */
type ClientOptions = ConstructorParameters<typeof RPCClient>[0];

/** A station driven by ocpp-rpc's own client (strict 1.6 validation, no reconnecting). */
export function stationClient(endpoint: string, identity: string, extra: Partial<ClientOptions> = {}): RPCClient {
  return new RPCClient({ endpoint, identity, protocols: ['ocpp1.6'], strictMode: true, reconnect: false, ...extra } as ClientOptions);
}

/** Resolves with the params of the next call of `action` the gateway makes to the station, answering it with `answer`. */
export function nextCall(s: RPCClient, action: string, answer: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    s.handle(action, async ({ params }) => {
      resolve(params as Record<string, unknown>);
      return answer;
    });
  });
}

/** Raw frames the station received (CALLERRORs to frames it sent by hand among them). */
export function inboundFrames(s: RPCClient): unknown[][] {
  const frames: unknown[][] = [];
  s.on('message', ({ message, outbound }: { message: Buffer | string; outbound: boolean }) => {
    if (!outbound) frames.push(JSON.parse(message.toString()) as unknown[]);
  });
  return frames;
}

export async function until<T>(what: string, fn: () => T | undefined, ms = 10000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function errorCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return String((e as { rpcErrorCode?: string }).rpcErrorCode ?? (e as Error).message);
  }
  throw new Error('the call succeeded');
}

export const meterValues = (transactionId: number, wh: number, w: number) => ({
  connectorId: 1,
  transactionId,
  meterValue: [
    {
      timestamp: new Date().toISOString(),
      sampledValue: [
        { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
        { value: String(w), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
      ],
    },
  ],
});
