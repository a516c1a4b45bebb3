import { Partitioners, type Kafka, type Producer } from './kafkajs.js';
import { appendLog } from './kafka-log.js';

type TopicMessages = { topic: string; messages: { key: string; value: string | null }[] }[];

export interface LaneSettings {
  name: string;
  /** Idempotent (no duplicates from retries) or not (duplicates harmless, nothing to fence). */
  idempotent: boolean;
  /** kafkajs's own retry of one send, before the bus's endless retry loop sees the error. */
  retry: { initialRetryTime: number; maxRetryTime: number; retries: number };
  /** Longest wait between two of the bus's attempts. */
  backoffMaxMs: number;
}

/**
 * One kafkajs producer and what it takes to keep it usable: connect on first use, reconnect
 * after a disconnect, start a new one when its producer id is refused. The Kafka bus keeps two:
 * `main` for state-changing records, `pulse` for heartbeats and ticks, which must not wait
 * behind a record whose partition has no leader yet, nor in a long kafkajs backoff.
 */
export class ProducerLane {
  private producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    readonly settings: LaneSettings,
    private readonly logFile: string,
  ) {
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: this.settings.idempotent,
      // One request at a time keeps records of one key in order, idempotent or not.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: this.settings.retry,
    });
  }

  /** One attempt (with kafkajs's own retries): resolves once every in-sync replica has it. */
  async send(topicMessages: TopicMessages): Promise<void> {
    this.connected ??= this.producer.connect();
    try {
      await this.connected;
      await this.producer.sendBatch({ acks: -1, topicMessages });
    } catch (e) {
      if (/disconnected|not connected/i.test((e as Error).message)) this.connected = null;
      throw e;
    }
  }

  /**
   * After a partition leader changes, kafkajs's idempotent producer can be left with sequence
   * numbers the new leader refuses (OUT_OF_ORDER_SEQUENCE_NUMBER) on every later send. A new
   * producer gets a new producer id and starts again; records it resends that had already landed
   * are duplicates the consumers drop by message id.
   */
  async reset(reason: string): Promise<void> {
    const old = this.producer;
    const wasConnected = this.connected;
    this.producer = this.newProducer();
    this.connected = null;
    appendLog(this.logFile, 'producer reset', { lane: this.settings.name, reason });
    if (wasConnected) await old.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => {});
    this.connected = null;
  }
}
