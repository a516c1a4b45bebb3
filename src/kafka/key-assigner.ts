import { createRequire } from 'node:module';
import { AssignerProtocol, type PartitionAssigner } from './kafkajs.js';

// kafkajs's default partitioner (the Java client's): murmur2 of the key, made positive, modulo the
// partitions. Every producer of evcharge uses it (producer-lane.ts, transactional-lane.ts).
const require = createRequire(import.meta.url);
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string) => number;

/** The partition a record keyed `key` goes to, on a topic of `partitions` partitions. */
export function partitionOfKey(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

const NAME = 'EvchargeOneKey';

/**
 * A group assignment for a reader that wants one key's records only (a driver's answers and
 * progress): its member is given, of each topic, only the partition that key lands on, so the
 * other drivers' records are never fetched. A second member of the same group (the same driver
 * id started twice) gets nothing.
 */
export function oneKeyAssigner(key: string): PartitionAssigner {
  return ({ cluster }) => ({
    name: NAME,
    version: 0,
    async assign({ members, topics }) {
      const assignment: Record<string, number[]> = {};
      for (const topic of topics) {
        const partitions = cluster.findTopicPartitionMetadata(topic).length;
        if (partitions > 0) assignment[topic] = [partitionOfKey(key, partitions)];
      }
      return members
        .map(({ memberId }) => memberId)
        .sort()
        .map((memberId, i) => ({ memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: i === 0 ? assignment : {}, userData: Buffer.alloc(0) }) }));
    },
    protocol({ topics }) {
      return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
