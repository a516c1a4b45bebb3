import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { clusterAnswers } from '../../src/kafka/kafka-bus.js';
import { Kafka, logLevel } from '../../src/kafka/kafkajs.js';
import { TEST_BROKERS, isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';

// The lease's probe: an active central whose lease went silent stays active only when most of the
// cluster answers. Loopback ports 1 and 2 refuse at once, like brokers that are down; a central
// cut off with the broker on its own machine sees the same: one broker answers, the rest do not.
const live = TEST_BROKERS.split(',')[0]!;
const topic = `${uniqueTag()}-probe`;
const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'evcharge-probe-')), 'probe.log');
const answers = (brokers: string[]) => clusterAnswers(parseConfig(isolatedConfigYaml(uniqueTag()), 'x.yaml', { brokersOverride: brokers.join(',') }), log, topic);

test('the probe needs most bootstrap brokers to answer, not any one', async () => {
  const admin = new Kafka({ clientId: 'probe-test', brokers: [live], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  assert.equal(await answers([live]), true, 'the one broker answers');
  assert.equal(await answers([live, live, '127.0.0.1:1']), true, 'two of three answer');
  assert.equal(await answers([live, '127.0.0.1:1', '127.0.0.1:2']), false, 'one of three is a minority');
  assert.equal(await answers(['127.0.0.1:1', '127.0.0.1:2']), false, 'none answers');
});
