import { patchKafkajsMethod, replaceKafkajsModule } from './kafkajs-module.js';

/**
 * kafkajs 2.2.4 reconnects a connection it disconnected on a new socket but leaves the old
 * socket's listeners in place (tulios/kafkajs#1658, open). The old socket's `end` arrives a moment
 * later, when the broker answers its FIN, and its handler disconnects the connection: by then that
 * means the new socket. Over plain TCP the new socket has usually connected by then and the damage
 * shows only as a dropped connection; over TLS the handshake is still going on, and the connect
 * fails with "Client network socket disconnected before secure TLS connection was established".
 * Against the secure cluster every second connect of a reused admin client failed so.
 *
 * Two patches:
 * - `network/socket` (kafkajs's socket maker, replaced before kafkajs loads it: import this module
 *   before kafkajs): the connection's handlers on a socket can be switched off.
 * - `Connection.connect`: before a new socket, the previous one's handlers are switched off and
 *   it is destroyed; a connect while one is in flight shares it instead of making a second socket
 *   (which kafkajs also did, leaking the first).
 */
type Handler = (...args: unknown[]) => unknown;
interface SocketOptions {
  onConnect: Handler;
  onData: Handler;
  onEnd: Handler;
  onError: Handler;
  onTimeout: Handler;
  [k: string]: unknown;
}
interface SocketLike {
  destroy(): void;
}
interface ConnectionLike {
  socket?: SocketLike | null;
  isConnected(): boolean;
  connect(): Promise<unknown>;
}

const DETACH = Symbol.for('evcharge.kafkajs.detach-socket');
const IN_FLIGHT = Symbol.for('evcharge.kafkajs.connect-in-flight');

/** A socket maker whose handlers stop reaching the connection once the socket is detached. */
export function guardedSocketMaker(original: (options: SocketOptions) => SocketLike) {
  return (options: SocketOptions): SocketLike => {
    let live = true;
    const guard = (fn: Handler): Handler => (...args) => (live ? fn(...args) : undefined);
    const socket = original({
      ...options,
      onConnect: guard(options.onConnect),
      onData: guard(options.onData),
      onEnd: guard(options.onEnd),
      // Still a listener after detaching: a late error on the old socket is not an uncaught one.
      onError: guard(options.onError),
      onTimeout: guard(options.onTimeout),
    });
    (socket as SocketLike & { [DETACH]?: () => void })[DETACH] = () => {
      live = false;
    };
    return socket;
  };
}

/** Lets go of a connection's previous socket: nothing it does later reaches the connection. */
export function detachOldSocket(connection: ConnectionLike): void {
  const old = connection.socket as (SocketLike & { [DETACH]?: () => void }) | null | undefined;
  if (!old || connection.isConnected()) return;
  old[DETACH]?.();
  old.destroy();
  connection.socket = null;
}

const socketPatched = replaceKafkajsModule('network/socket.js', guardedSocketMaker as never) !== null;

export function applyKafkajsTlsReconnectFix(): boolean {
  if (!socketPatched) return false;
  return patchKafkajsMethod<ConnectionLike, 'connect'>('network/connection.js', 'connect', (connect) =>
    function patchedConnect(this: ConnectionLike & { [IN_FLIGHT]?: Promise<unknown> | null }) {
      const inFlight = this[IN_FLIGHT];
      if (inFlight) return inFlight;
      detachOldSocket(this);
      const attempt: Promise<unknown> = connect.call(this).finally(() => {
        if (this[IN_FLIGHT] === attempt) this[IN_FLIGHT] = null;
      });
      this[IN_FLIGHT] = attempt;
      return attempt;
    },
  );
}
