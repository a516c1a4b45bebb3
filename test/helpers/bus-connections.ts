import { after } from 'node:test';
import type { EvchargeConfig } from '../../src/config/schema.js';
import { connectKafka, type KafkaConnection } from '../../src/kafka/connect.js';

/** Connects buses to `config`'s Kafka as the tests need them; all are closed after the file's tests. */
export function busConnections(config: EvchargeConfig): () => Promise<KafkaConnection> {
  const opened: KafkaConnection[] = [];
  after(async () => {
    for (const c of opened) await c.bus.close();
  });
  return async () => {
    const c = await connectKafka(config, { who: { role: 'test' } });
    opened.push(c);
    return c;
  };
}
