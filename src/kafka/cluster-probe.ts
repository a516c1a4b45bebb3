import type { EvchargeConfig } from '../config/schema.js';
import { createKafka } from './kafka-client.js';
import { appendLog } from './kafka-log.js';

/** How long the cluster probe waits for a verdict, past the connection timeout. */
const PROBE_GRACE_MS = 2000;

/**
 * A probe's error that says the broker cannot be reached (refused, reset, or no connection within
 * the connection timeout), as opposed to one that answers slowly.
 */
export function unreachable(error: unknown): boolean {
  for (let e = error as { name?: string; originalError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError') return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Whether the cluster can be reached: false only when most bootstrap brokers cannot be connected
 * to (each is asked on its own client, so a dead one cannot hide a live one). A broker that takes
 * its connection and answers late is slow, not gone: under load (40 processes on 2 cores while a
 * broker failed over) the two live brokers' answers came after 1.5 s, and after 3 s, and each
 * time the active central stepped down for nothing and took over again, a 20 s stall. A machine
 * that is cut off cannot connect at all, and gets its verdict at the connection timeout.
 */
export async function clusterAnswers(config: EvchargeConfig, logFile: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // A majority, not any one: a central cut off together with the broker on its own machine still
  // hears that broker, which is cut off too.
  const n = config.brokers.length;
  const needed = Math.floor(n / 2) + 1;
  const heard: Record<string, string> = {};
  return new Promise<boolean>((resolve) => {
    let answered = 0;
    let gone = 0;
    let done = false;
    const verdict = (v: boolean) => {
      if (done) return;
      done = true;
      appendLog(logFile, 'cluster probe', { reachable: v, brokers: heard });
      resolve(v);
    };
    timer = setTimeout(() => verdict(gone <= n - needed), config.connectionTimeoutMs + PROBE_GRACE_MS);
    for (const broker of config.brokers) {
      heard[broker] = 'no answer yet';
      // No retries: the client's own retrier would try a refused connection again for as long as the
      // probe waits.
      const { kafka } = createKafka({ ...config, brokers: [broker], retry: { ...config.retry, retries: 0 } }, { role: 'central', id: 'probe' }, { requestTimeoutMs: config.connectionTimeoutMs + PROBE_GRACE_MS, logFile });
      const admin = kafka.admin({ retry: { retries: 0 } });
      // Connecting is asking: the client connects to its one broker and asks it which API
      // versions it serves. Not a metadata request: kafkajs sends that to any broker it has
      // heard of, and a dead one then failed the live broker's probe.
      admin
        .connect()
        .then(
          () => {
            heard[broker] = 'answered';
            if (++answered >= needed) verdict(true);
          },
          (e: unknown) => {
            // A refusal is an answer: the broker is there.
            if ((e as Error).name === 'KafkaJSProtocolError') {
              heard[broker] = `answered: ${(e as Error).message}`;
              if (++answered >= needed) verdict(true);
              return;
            }
            const down = unreachable(e);
            heard[broker] = `${down ? 'gone' : 'slow'}: ${(e as Error).name}: ${(e as Error).message}`;
            if (down && ++gone > n - needed) verdict(false);
          },
        )
        .finally(() => void admin.disconnect().catch(() => {}));
    }
  }).finally(() => clearTimeout(timer));
}
