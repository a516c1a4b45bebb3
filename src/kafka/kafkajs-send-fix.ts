import { replaceKafkajsModule } from './kafkajs-module.js';
import { settleBeforeRetry } from './kafkajs-settled-retry.js';

/**
 * kafkajs 2.2.4 can acknowledge a send that never reached a partition. A send to several
 * partitions keeps one response per broker across its retries. When one broker answers
 * NOT_LEADER and the partition's new leader is a broker that had already answered for its own
 * partitions, the retry finds no broker left to ask, and the send resolves without the moved
 * partition's records (tulios/kafkajs#1303, PR #1798, both open). Seen here: after all brokers
 * came back, central's stop commands for two CPs were acknowledged and never written, so those
 * supplies did not end.
 *
 * The wrapper below checks what kafkajs's send returns: every partition the records map to
 * (the producer's own partitioner and metadata) must be in the answer. Records of a partition
 * that is not there are sent again. With an idempotent producer, those records' sequence
 * numbers were handed back when their broker refused them, so the resend continues the sequence.
 */

interface Message {
  key?: string | Buffer | null;
  partition?: number | null;
}
interface TopicMessages {
  topic: string;
  messages: Message[];
}
interface SendArgs {
  topicMessages: TopicMessages[];
  [other: string]: unknown;
}
interface PartitionAnswer {
  topicName: string;
  partition: number;
}
type SendMessages = (args: SendArgs) => Promise<PartitionAnswer[]>;
export interface SendMessagesOptions {
  cluster: { findTopicPartitionMetadata(topic: string): unknown[] };
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: Message }) => number;
  logger: { warn(message: string, extra?: object): void };
  [other: string]: unknown;
}
export type CreateSendMessages = (options: SendMessagesOptions) => SendMessages;

/** Rounds of resending before the send fails (retriably: the bus tries again from the start). */
const MAX_ROUNDS = 5;

export function completeSends(createSendMessages: CreateSendMessages): CreateSendMessages {
  return (options) => {
    const send = createSendMessages(options);
    const { cluster, partitioner, logger } = options;
    return async (args) => {
      // acks 0: brokers answer nothing, so there is nothing to check.
      if (args['acks'] === 0) return send(args);
      const answers: PartitionAnswer[] = [];
      let pending = args.topicMessages;
      for (let round = 1; ; round++) {
        const got = await send({ ...args, topicMessages: pending });
        answers.push(...got);
        const answered = new Set(got.map((a) => `${a.topicName}\u0000${a.partition}`));
        const unanswered: TopicMessages[] = [];
        for (const { topic, messages } of pending) {
          const partitionMetadata = cluster.findTopicPartitionMetadata(topic);
          // Every partition of the topic answered (the usual case): nothing to look up per record.
          let topicAnswers = 0;
          for (const a of got) if (a.topicName === topic) topicAnswers++;
          if (partitionMetadata.length > 0 && topicAnswers >= partitionMetadata.length) continue;
          // Without a key or partition the default partitioner picks at random: it cannot be
          // checked (every evcharge record has a key).
          const left = messages.filter(
            (message) =>
              (message.key != null || message.partition != null) &&
              !answered.has(`${topic}\u0000${partitioner({ topic, partitionMetadata, message })}`),
          );
          if (left.length > 0) unanswered.push({ topic, messages: left });
        }
        if (unanswered.length === 0) return answers;
        const count = unanswered.reduce((n, t) => n + t.messages.length, 0);
        if (round >= MAX_ROUNDS) {
          throw Object.assign(new Error(`kafkajs acknowledged a send without ${count} of its records (leader moved); not written`), { retriable: true });
        }
        logger.warn('Send acknowledged without some partitions; sending their records again', { records: count, round });
        pending = unanswered;
      }
    };
  };
}

/** kafkajs's own sendMessages, as it was before the fixes were installed (for tests). */
export let kafkajsSendMessages: CreateSendMessages | null = null;

/**
 * Installs the check, and the settled retry (kafkajs-settled-retry.ts) under it, into kafkajs.
 * Must run before kafkajs itself is loaded.
 */
export function applyKafkajsSendFix(): boolean {
  kafkajsSendMessages = replaceKafkajsModule<CreateSendMessages>('producer/sendMessages.js', (original) => completeSends(settleBeforeRetry(original)));
  return kafkajsSendMessages !== null;
}

/** Applied as this module loads: src/kafka/kafkajs.ts imports it before kafkajs. */
export const kafkajsSendFixApplied = applyKafkajsSendFix();
