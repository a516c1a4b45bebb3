import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectKafka } from '../../src/kafka/connect.js';
import { CoordinatorNudge, siblingTransactionalId } from '../../src/kafka/coordinator-nudge.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { isolatedConfig, uniqueTag } from '../helpers/kafka-env.js';

const tag = uniqueTag();
const config = isolatedConfig(tag);
const connection = await connectKafka(config, { who: { role: 'test' } });
after(() => connection.bus.close());
const { kafka } = createKafka(config, { role: 'test', id: 'nudge' }, { logFile: connection.logFile });

test("the coordinator nudge commits an offsets-only transaction under a sibling id of the lease's, and can run again", async () => {
  const transactionalId = `${tag}-central-group-lease`;
  const leaseTopic = config.topics['central-lease']!.name;
  const nudge = new CoordinatorNudge(kafka, transactionalId, leaseTopic, connection.logFile);
  await nudge.run();
  await nudge.run();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = (await admin.fetchTopicMetadata({ topics: ['__transaction_state'] })).topics[0]!.partitions.length;
    const sibling = siblingTransactionalId(transactionalId, partitions);
    // The commit landed: the sibling's group holds an offset on the lease topic (read committed).
    // No topics named: kafkajs would list them from its own metadata, which a young topic may lack.
    const offsets = await admin.fetchOffsets({ groupId: sibling });
    const lease = offsets.find((t) => t.topic === leaseTopic);
    assert.equal(lease?.partitions.find((p) => p.partition === 0)?.offset, '0', JSON.stringify(offsets));
    await admin.deleteGroups([sibling]).catch(() => {});
  } finally {
    await admin.disconnect();
  }
});
