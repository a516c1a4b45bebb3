import type {
  Bus,
  BusStatus,
  IncomingRecord,
  OutgoingRecord,
  RecordHandler,
  SubscribeOptions,
  Subscription,
} from './bus.js';
import type { TopicKey } from './topics.js';

export interface SharedSubscriptionOptions {
  /** The one real consumer group of this process (the simulator's, the OCPP gateway's). */
  group: string;
  /**
   * Default true. False: the group never commits (a group of one process with a random name,
   * as the OCPP gateway's is: its CPs are new instances after a restart, so nothing older is theirs).
   */
  commit?: boolean;
  /**
   * Topics served from the one shared subscription, routed by record key: a virtual role sees
   * only the records keyed by its own id (the CP and driver roles ignore every other key anyway).
   */
  routedTopics: TopicKey[];
  /**
   * Topics no virtual role reads here: a subscription to them is ready at once and never gets a
   * record. The simulator mutes `cp-state` for its drivers: every driver would otherwise decode
   * every CP's state change (N × M work) only to keep a CP list it never shows.
   */
  mutedTopics?: TopicKey[];
  /** Most records per real publish (one produce request). Default 2000. */
  maxPublishRecords?: number;
  /** Most value bytes per real publish. Default 512 KiB (the broker refuses batches over 1 MiB). */
  maxPublishBytes?: number;
}

export interface SharedBusStats {
  /** Batches the real subscription delivered. */
  batches: number;
  /** Records the real subscription delivered. */
  records: number;
  /** Records handed to a virtual role. */
  routed: number;
  /** Records nobody here was subscribed to (other processes' keys, roles not started yet). */
  unrouted: number;
  /** Virtual handlers that threw (the record is not redelivered to them). */
  handlerErrors: number;
  /** Real publishes (produce requests) and the records they carried. */
  publishes: number;
  publishedRecords: number;
  /** Real publishes that failed (the roles' outboxes retry them). */
  publishErrors: number;
  /** Virtual subscriptions open now. */
  virtualSubscriptions: number;
}

interface Route {
  handler: RecordHandler;
}

interface Pending {
  records: OutgoingRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A Bus multiplexer for running many role objects in one process over one real Bus. Every
 * virtual `subscribe()` to a routed topic is served from ONE real subscription (one consumer
 * group for the whole process, joined before any role starts, so nothing published to a role
 * while it joins is missed); each batch is split by record key and each part handed to the
 * handlers registered under that key, in order. Publishes from every role are coalesced into one
 * produce request at a time, in call order, so per-key order is kept.
 *
 * `view(key)` gives the Bus one role uses: the role code runs unchanged.
 */
export class SharedSubscriptionBus {
  private readonly routes = new Map<TopicKey, Map<string, Route[]>>();
  private readonly routed: ReadonlySet<TopicKey>;
  private readonly muted: ReadonlySet<TopicKey>;
  private subscription: Subscription | null = null;
  private readonly queue: Pending[] = [];
  private sending = false;
  private closed = false;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  readonly stats: SharedBusStats = {
    batches: 0,
    records: 0,
    routed: 0,
    unrouted: 0,
    handlerErrors: 0,
    publishes: 0,
    publishedRecords: 0,
    publishErrors: 0,
    virtualSubscriptions: 0,
  };

  constructor(
    readonly real: Bus,
    private readonly options: SharedSubscriptionOptions,
  ) {
    this.routed = new Set(options.routedTopics);
    this.muted = new Set(options.mutedTopics ?? []);
    this.maxRecords = options.maxPublishRecords ?? 2000;
    this.maxBytes = options.maxPublishBytes ?? 512 * 1024;
    for (const t of options.routedTopics) this.routes.set(t, new Map());
  }

  /** Joins the one real group; call before starting any role. */
  async start(): Promise<void> {
    if (this.subscription) return;
    this.subscription = await this.real.subscribe(
      { group: this.options.group, topics: [...this.routed], commit: this.options.commit ?? true },
      (records) => this.deliver(records),
    );
    await this.subscription.ready;
  }

  /** The Bus one virtual role talks to; its subscriptions receive only records keyed `key`. */
  view(key: string): Bus {
    const owned = new Set<() => void>();
    const bus: Bus = {
      publish: (records) => this.publish(records),
      subscribe: async (options, handler) => this.subscribeVirtual(key, options, handler, owned),
      status: () => this.real.status(),
      onStatus: (listener: (s: BusStatus) => void) => this.real.onStatus(listener),
      // Virtual CPs and drivers never campaign; central runs on a bus of its own.
      lead: () => Promise.reject(new Error('shared bus: the simulator runs no central on it')),
      close: async () => {
        for (const remove of [...owned]) remove();
      },
    };
    return bus;
  }

  /** Coalesced publish: resolves once the produce request carrying these records succeeded. */
  publish(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('bus is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        // Let every role that has something to say in this turn of the event loop join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscription?.close();
    this.subscription = null;
  }

  private async subscribeVirtual(key: string, options: SubscribeOptions, handler: RecordHandler, owned: Set<() => void>): Promise<Subscription> {
    const topics = options.topics.filter((t) => !this.muted.has(t));
    const unsupported = topics.filter((t) => !this.routed.has(t));
    if (unsupported.length > 0) {
      throw new Error(`shared bus: ${unsupported.join(', ')} is neither routed nor muted (group ${options.group})`);
    }
    if (!this.subscription) throw new Error('shared bus: start() it before starting roles');
    const route: Route = { handler };
    for (const topic of topics) {
      const byKey = this.routes.get(topic)!;
      const list = byKey.get(key);
      if (list) list.push(route);
      else byKey.set(key, [route]);
    }
    this.stats.virtualSubscriptions++;
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      owned.delete(remove);
      this.stats.virtualSubscriptions--;
      for (const topic of topics) {
        const byKey = this.routes.get(topic)!;
        const list = byKey.get(key)?.filter((r) => r !== route);
        if (!list || list.length === 0) byKey.delete(key);
        else byKey.set(key, list);
      }
    };
    owned.add(remove);
    return { ready: this.subscription.ready, close: async () => remove() };
  }

  /**
   * One real batch: each record goes to the routes registered for its topic and key, in order;
   * a role gets one call per batch with all of its records (whatever their topic).
   */
  private async deliver(records: IncomingRecord[]): Promise<void> {
    this.stats.batches++;
    this.stats.records += records.length;
    const parts = new Map<Route, IncomingRecord[]>();
    for (const r of records) {
      const list = r.key === null ? undefined : this.routes.get(r.topic)?.get(r.key);
      if (!list) {
        this.stats.unrouted++;
        continue;
      }
      this.stats.routed++;
      for (const route of list) {
        const part = parts.get(route);
        if (part) part.push(r);
        else parts.set(route, [r]);
      }
    }
    if (parts.size === 0) return;
    const running: Promise<void>[] = [];
    for (const [route, part] of parts) running.push(this.call(route, part));
    await Promise.all(running);
  }

  private async call(route: Route, part: IncomingRecord[]): Promise<void> {
    try {
      await route.handler(part);
    } catch {
      // One virtual role's failure must not make the whole process re-read the batch.
      this.stats.handlerErrors++;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const records: OutgoingRecord[] = [];
        let bytes = 0;
        let take = 0;
        for (; take < this.queue.length; take++) {
          const next = this.queue[take]!;
          let size = 0;
          for (const r of next.records) size += (r.value?.length ?? 0) + r.key.length;
          if (take > 0 && (records.length + next.records.length > this.maxRecords || bytes + size > this.maxBytes)) break;
          for (const r of next.records) records.push(r);
          bytes += size;
        }
        const batch = this.queue.splice(0, take);
        try {
          await this.real.publish(records);
          this.stats.publishes++;
          this.stats.publishedRecords += records.length;
          for (const p of batch) p.resolve();
        } catch (error) {
          this.stats.publishErrors++;
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
