import type { Bus, PublishOptions } from '../../bus/bus.js';
import { systemClock, type Clock } from '../../bus/clock.js';
import { busStatusText, watchBus } from './bus-status.js';
import { newCounters, type RoleCounters } from './counters.js';
import { EventFeed, type RoleEvent } from './events.js';
import { Outbox } from './outbox.js';
import type { Role } from './role.js';

/** The events every role reports the same way; each role's own kinds must include them. */
export type KitEventKind = 'publish-error' | 'malformed' | 'bus-status';

export interface RoleKitOptions<K extends string> {
  bus: Bus;
  clock?: Clock | undefined;
  /** Attached before anything happens: events of the start itself count too. */
  onEvent?: ((event: RoleEvent<K>) => void) | undefined;
}

/** A record that failed to decode, as the inbox reports it. */
interface BadRecord {
  topic: string;
  key: string | null;
  offset: string;
}

/**
 * What central, the charge point and the driver all set up the same way: the clock, counters, an
 * event feed listening from the first moment, outboxes that report their first failed publish,
 * the malformed-record report, the bus-status watch, and the parts of the role object that only
 * read these. Each role keeps its own rules, state and subscriptions.
 */
export class RoleKit<K extends string> {
  readonly clock: Clock;
  readonly counters: RoleCounters = newCounters();
  readonly events: EventFeed<K>;
  private readonly kit: EventFeed<KitEventKind>;

  // The conditional type makes a role whose kinds lack the kit's own a compile error.
  constructor(readonly options: RoleKitOptions<K> & (KitEventKind extends K ? unknown : { missingEventKinds: Exclude<KitEventKind, K> })) {
    this.clock = options.clock ?? systemClock;
    this.events = new EventFeed<K>(() => this.clock.now());
    if (options.onEvent) this.events.on(options.onEvent);
    this.kit = this.events as unknown as EventFeed<KitEventKind>;
  }

  /** An outbox for `sender`; its first failed publish of a batch is reported unless `silent`. */
  outbox(sender: string, publish: PublishOptions & { silent?: boolean } = {}): Outbox {
    const { silent = false, ...options } = publish;
    const report = (error: unknown, attempt: number) => {
      if (!silent && attempt === 1) this.kit.emit('publish-error', `publish failed, retrying: ${String(error)}`, { error: String(error) });
    };
    return new Outbox(this.options.bus, this.clock, sender, this.counters, report, options);
  }

  /** The `malformed` report for an Inbox; `withKey` names the record's key and offset too. */
  malformedReporter({ withKey = false } = {}): (record: BadRecord, reason: string) => void {
    return (record, reason) =>
      withKey
        ? this.kit.emit('malformed', `malformed record on ${record.topic} (key ${record.key ?? '-'}): ${reason}`, { topic: record.topic, key: record.key, offset: record.offset, reason })
        : this.kit.emit('malformed', `malformed record on ${record.topic}: ${reason}`, { topic: record.topic, reason });
  }

  /** Reports bus status changes and redraws the role's store; returns the unwatch. */
  watchBus(store: { changed(): void }): () => void {
    return watchBus(this.options.bus, (status) => {
      this.kit.emit('bus-status', busStatusText(status), { ...status });
      store.changed();
    });
  }

  /** The read-only half of the role object. */
  base<S>(store: Role<S, K>['store']): Pick<Role<S, K>, 'store' | 'onEvent' | 'counters' | 'busStatus'> {
    return {
      store,
      onEvent: (listener) => this.events.on(listener),
      counters: () => ({ ...this.counters }),
      busStatus: () => this.options.bus.status(),
    };
  }
}
