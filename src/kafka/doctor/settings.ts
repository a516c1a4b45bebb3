/**
 * Replication settings that cannot survive a broker failure. Pure: the doctor feeds it each topic's
 * effective settings (as on the cluster when the topic exists, else as configured) and the number
 * of brokers the cluster reports.
 */

export interface TopicSettings {
  name: string;
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface SettingsWarning {
  /** Stable id, for tests and the JSON report. */
  code: 'rf-1' | 'min-isr-equals-rf' | 'min-isr-above-rf' | 'min-isr-1' | 'rf-above-brokers' | 'few-brokers';
  text: string;
  /** The topics it applies to (empty for cluster-wide ones). */
  topics: string[];
}

export function settingsWarnings(topics: TopicSettings[], brokerCount: number | null): SettingsWarning[] {
  // One warning per distinct message, naming every topic it applies to.
  const byText = new Map<string, SettingsWarning>();
  const add = (code: SettingsWarning['code'], text: string, topic: string | null) => {
    const w = byText.get(text) ?? { code, text, topics: [] };
    if (topic !== null && !w.topics.includes(topic)) w.topics.push(topic);
    byText.set(text, w);
  };
  for (const t of topics) {
    const rf = t.replicationFactor;
    const isr = t.minInsyncReplicas;
    if (rf === 1) {
      add(
        'rf-1',
        'replication factor 1: each partition lives on one broker; losing any broker makes its partitions unavailable (no reads, no writes) until it returns, and a lost disk loses their records',
        t.name,
      );
    }
    if (isr > rf) {
      add('min-isr-above-rf', `min.insync.replicas ${isr} is larger than the replication factor ${rf}: no write with acks=all can ever succeed`, t.name);
    } else if (rf >= 2 && isr >= rf) {
      add(
        'min-isr-equals-rf',
        `replication factor ${rf} with min.insync.replicas ${isr}: one broker down blocks writes with acks=all (producers get NOT_ENOUGH_REPLICAS until it is back); use RF ${isr + 1} with min ISR ${isr}, or min ISR ${rf - 1}`,
        t.name,
      );
    } else if (rf >= 2 && isr === 1) {
      add(
        'min-isr-1',
        `replication factor ${rf} with min.insync.replicas 1: a write acknowledged with acks=all may exist only on its leader; if that broker fails before a follower copies it, the write is lost`,
        t.name,
      );
    }
    if (brokerCount !== null && brokerCount > 0 && rf > brokerCount) {
      add(
        'rf-above-brokers',
        `replication factor ${rf} needs ${rf} brokers but the cluster has ${brokerCount}: such topics cannot be created, and existing ones stay under-replicated`,
        t.name,
      );
    }
  }
  if (brokerCount !== null && brokerCount > 0 && brokerCount < 3) {
    add(
      'few-brokers',
      brokerCount === 1
        ? 'the cluster has 1 broker: losing it stops everything, whatever the topic settings; surviving a broker failure needs 3 brokers with RF 3, min ISR 2'
        : 'the cluster has 2 brokers: a topic can either keep accepting acks=all writes with one broker down (min ISR 1) or keep every acknowledged write on two brokers (min ISR 2), not both; that needs 3 brokers with RF 3, min ISR 2',
      null,
    );
  }
  return [...byText.values()];
}
