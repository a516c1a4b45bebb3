import net from 'node:net';
import tls from 'node:tls';
import type { Kafka } from './kafkajs.js';
import type { EvchargeConfig } from '../config/schema.js';
import { connectRefusal } from './connect-refusals.js';

/** No broker answered in time; the CLI prints the message and exits 2. */
export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError';
}

export function unreachableMessage(config: EvchargeConfig, waitedMs: number, cause: string, portsOpen = false): string {
  return [
    `no Kafka broker answered at ${config.brokers.join(', ')} within ${Math.round(waitedMs / 1000)} s (${cause}).`,
    // A TLS listener keeps a PLAINTEXT client's connection and never answers it.
    ...(portsOpen && !config.security && /timed out|closed/i.test(cause)
      ? [`The port takes connections but gives no Kafka answer, as a TLS listener (SSL, SASL_SSL) does to a client without TLS: if the cluster is secure, set kafka.security in ${config.source}.`]
      : []),
    config.source === 'built-in defaults'
      ? 'No config file was found (--config, EVCHARGE_CONFIG, ./kafka_config.yaml, $XDG_CONFIG_HOME/evcharge/config.yaml), so the built-in defaults were used. Start a local Kafka with `npm run kafka:up`, or point EVCHARGE_BROKERS at a running cluster.'
      : `Start a local one with \`npm run kafka:up\`, or point EVCHARGE_BROKERS (or kafka.bootstrap_servers in ${config.source}) at a running cluster.`,
  ].join('\n');
}

/**
 * Waits until the cluster answers a metadata request, retrying until `timeoutMs`.
 * `onWaiting` is called once per failed attempt so the caller can show a spinner or a line.
 * A refusal no retry can mend (a wrong password, an untrusted certificate) throws a ConfigError at
 * once, naming `username` and the setting.
 */
export async function waitForBrokers(
  kafka: Kafka,
  config: EvchargeConfig,
  timeoutMs: number,
  onWaiting?: (attempt: number, reason: string) => void,
  username: string | null = null,
): Promise<{ brokers: number; controller: number | null }> {
  const started = Date.now();
  let lastReason = 'no answer';
  for (let attempt = 1; ; attempt++) {
    // A plain TCP probe first: it fails fast and says why (refused, unknown host), where
    // kafkajs would spend its whole retry budget and report only a timeout.
    const probe = await tcpProbe(config.brokers, Math.min(config.connectionTimeoutMs, 2000));
    if (probe !== null) {
      lastReason = probe;
      onWaiting?.(attempt, lastReason);
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new BrokerUnreachableError(unreachableMessage(config, timeoutMs, lastReason));
      await new Promise((r) => setTimeout(r, Math.min(1000, left)));
      continue;
    }
    // A certificate that cannot be trusted fails the same way on every try, and kafkajs would
    // retry its seed connection for seconds before saying so: check it once, first.
    if (config.security?.tls) {
      const refused = connectRefusal(await tlsProbe(config.brokers[0]!, config.security.ca, Math.min(config.connectionTimeoutMs, 5000)), config, username);
      if (refused) throw refused;
    }
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      // connect() already fetched metadata from a broker: the cluster answers. describeCluster
      // is only for the counts, and kafkajs fails it when any partition of any topic (even
      // another application's) has no leader, which must not stop evcharge from starting.
      await withTimeout(admin.connect(), Math.max(500, timeoutMs - (Date.now() - started)));
      const cluster = await admin.describeCluster().catch(() => null);
      return { brokers: cluster?.brokers.length ?? 0, controller: cluster?.controller ?? null };
    } catch (e) {
      const refused = connectRefusal(e, config, username);
      if (refused) throw refused;
      lastReason = shortReason(e);
      onWaiting?.(attempt, lastReason);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) throw new BrokerUnreachableError(unreachableMessage(config, timeoutMs, lastReason, true));
    await new Promise((r) => setTimeout(r, Math.min(1000, left)));
  }
}

/** null when at least one broker accepts a TCP connection, else the reason of the first. */
async function tcpProbe(brokers: string[], timeoutMs: number): Promise<string | null> {
  const reasons = await Promise.all(
    brokers.map(
      (b) =>
        new Promise<string | null>((resolve) => {
          const i = b.lastIndexOf(':');
          const socket = net.connect({ host: b.slice(0, i), port: Number(b.slice(i + 1)) });
          const done = (reason: string | null) => {
            socket.destroy();
            resolve(reason);
          };
          socket.setTimeout(timeoutMs, () => done('timed out'));
          socket.once('connect', () => done(null));
          socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? 'unknown host' : (e.code ?? e.message)));
        }),
    ),
  );
  return reasons.includes(null) ? null : (reasons[0] ?? 'no brokers');
}

/** The TLS handshake's error with one broker (null when it went through, or timed out). */
function tlsProbe(broker: string, ca: string | null, timeoutMs: number): Promise<Error | null> {
  const i = broker.lastIndexOf(':');
  const host = broker.slice(0, i);
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port: Number(broker.slice(i + 1)), ...(ca !== null && { ca: [ca] }), ...(net.isIP(host) === 0 && { servername: host }) });
    const done = (e: Error | null) => {
      socket.destroy();
      resolve(e);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('secureConnect', () => done(null));
    // A PLAINTEXT Kafka port reads the TLS hello as a request of absurd size and hangs up.
    socket.once('error', (e) => done(/before secure TLS connection was established/.test(e.message) ? Object.assign(new Error('the port hung up during the TLS handshake'), { code: 'EPROTO' }) : e));
  });
}

function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED/.test(msg)) return 'connection refused';
  if (/timed? ?out/i.test(msg)) return 'timed out';
  return msg.split('\n')[0]!.slice(0, 120);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
