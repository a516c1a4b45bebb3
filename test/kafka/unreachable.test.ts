import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load-config.js';
import { BrokerUnreachableError } from '../../src/kafka/broker-check.js';
import { connectKafka } from '../../src/kafka/connect.js';
import { isolatedConfigYaml, uniqueTag } from '../helpers/kafka-env.js';

test('when no broker answers, the error names the address tried and how to start a local one', async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const config = parseConfig(isolatedConfigYaml(uniqueTag()), 'x.yaml', { brokersOverride: '127.0.0.1:1' });
  let waits = 0;
  const started = Date.now();
  await assert.rejects(
    connectKafka(config, { who: { role: 'test' }, startupTimeoutMs: 2000, onWaiting: () => waits++ }),
    (e: unknown) => {
      assert.ok(e instanceof BrokerUnreachableError);
      assert.match(e.message, /no Kafka broker answered at 127\.0\.0\.1:1 within 2 s \(connection refused\)/);
      assert.match(e.message, /npm run kafka:up/);
      assert.match(e.message, /EVCHARGE_BROKERS/);
      return true;
    },
  );
  assert.ok(waits >= 1, 'the caller was told it is waiting');
  assert.ok(Date.now() - started < 10000, 'the wait is bounded by the timeout');
});
