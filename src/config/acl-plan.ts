import { TOPIC_KEYS, type TopicKey } from '../bus/topics.js';
import { groupFor, leaseGroupOf } from './load-config.js';
import type { EvchargeConfig } from './schema.js';
import { principalOf } from './security.js';

/**
 * The ACLs a config needs: for each role instance (one Kafka principal each), exactly what it
 * reads, writes, the groups it joins and the transactional ids it uses, and nothing else.
 * `evcharge acl` prints and applies them, `evcharge doctor` compares the cluster's with them, and
 * a role's refusal message points at the `evcharge acl` line that grants its own.
 *
 * Kafka's ACLs are per topic, not per record key: a CP may read every CP's commands and a driver
 * every driver's answers. Records name their CP or driver and roles ignore the others'; that a
 * record really comes from who it names is record-level trust, not the transport's (README).
 */
export type RoleKind = 'central' | 'cp' | 'driver' | 'ocpp';
export type ResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
export type PatternType = 'LITERAL' | 'PREFIXED';
/** Kafka's operation names (kafka-acls spells them Read, Write, Describe, DescribeConfigs). */
export type Operation = 'READ' | 'WRITE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS';

export interface AclEntry {
  principal: string;
  role: RoleKind;
  /** The CP or driver id; null for central and the OCPP gateways. */
  id: string | null;
  resourceType: ResourceType;
  patternType: PatternType;
  name: string;
  operation: Operation;
  /** Why the role needs it, for the table. */
  why: string;
}

/**
 * What each role reads and writes, by topic key. Taken from the code: every `bus.subscribe` (reads)
 * and the topic of every message type a role sends (protocol/messages.ts), plus dead-letter, where
 * every role copies a record it cannot decode.
 */
export const ROLE_TOPICS: Record<RoleKind, { read: Partial<Record<TopicKey, string>>; write: Partial<Record<TopicKey, string>> }> = {
  central: {
    read: {
      'cp-register': 'CP registrations',
      'auth-request': "drivers' requests and stops",
      telemetry: 'supply readings',
      health: 'CP heartbeats and its own ticks',
      'cp-state': 'rebuilds the network at start and follows it as a standby',
      'central-lease': 'the election of the active central',
      audit: "its monitor's audit view: every role's entries",
    },
    write: {
      'cp-register-ack': 'answers registrations',
      'auth-response': 'answers drivers',
      'cp-commands': 'starts and stops supplies',
      'driver-updates': "each driver's supply and ticket",
      'cp-state': "each CP's state, sync markers, who is active",
      health: 'its ticks',
      'dead-letter': 'records it cannot decode',
      audit: "operators' actions, registry changes, records it refused",
    },
  },
  cp: {
    read: { 'cp-register-ack': "central's answer to its registration", 'cp-commands': "central's commands" },
    write: { 'cp-register': 'registers', telemetry: 'supply readings', health: 'heartbeats, faults', 'dead-letter': 'records it cannot decode', audit: 'records it refused' },
  },
  driver: {
    read: { 'auth-response': "central's answers", 'driver-updates': 'its supply and ticket', 'cp-state': 'the charge points to choose from' },
    write: { 'auth-request': 'requests and stops', 'dead-letter': 'records it cannot decode', audit: 'records it refused' },
  },
  // One principal for every gateway: each speaks as the CP of every station it holds, and as the
  // driver of each idTag a station authorizes, so it needs a CP's and a driver's topics at once.
  ocpp: {
    read: {
      'cp-register-ack': "central's answers to its stations' registrations",
      'cp-commands': "central's orders to its stations",
      'auth-response': "central's answers to its stations' idTags",
      'ocpp-transactions': "every station's open transaction",
    },
    write: {
      'cp-register': 'registers its stations',
      telemetry: "its stations' supplies",
      health: "its stations' heartbeats and faults",
      'auth-request': "its stations' idTags, as drivers",
      'ocpp-transactions': "its stations' open transactions",
      'dead-letter': 'records it cannot decode',
      audit: 'records it refused',
    },
  },
};

export interface RoleInstance {
  role: RoleKind;
  id: string | null;
}

/** The role instances of a network: central, the CPs and drivers named, and the OCPP gateways' principal. */
export function instancesOf(cps: string[], drivers: string[], ocpp = false): RoleInstance[] {
  return [
    { role: 'central', id: null },
    ...cps.map((id) => ({ role: 'cp' as const, id })),
    ...drivers.map((id) => ({ role: 'driver' as const, id })),
    ...(ocpp ? [{ role: 'ocpp' as const, id: null }] : []),
  ];
}

/** The consumer groups of an OCPP gateway start with this (`evcharge ocpp` adds a random suffix). */
export function ocppGroupPrefix(config: EvchargeConfig): string {
  return `${groupFor(config, 'cp', 'ocpp-gateway')}-`;
}

export function principalOfInstance(config: EvchargeConfig, instance: RoleInstance): string {
  return `User:${principalOf(config.principals, instance.role, instance.id ?? undefined)}`;
}

/** Every ACL one role instance needs under `config`. */
export function aclsFor(config: EvchargeConfig, instance: RoleInstance): AclEntry[] {
  const principal = principalOfInstance(config, instance);
  const out: AclEntry[] = [];
  const add = (resourceType: ResourceType, patternType: PatternType, name: string, operation: Operation, why: string) =>
    out.push({ principal, role: instance.role, id: instance.id, resourceType, patternType, name, operation, why });
  const topics = ROLE_TOPICS[instance.role];
  for (const key of TOPIC_KEYS) {
    const name = config.topics[key].name;
    const read = topics.read[key];
    const write = topics.write[key];
    if (read) add('TOPIC', 'LITERAL', name, 'READ', read);
    if (write) add('TOPIC', 'LITERAL', name, 'WRITE', write);
    // Every role checks every configured topic at start (partitions, RF, settings) and says
    // which differ; that is metadata, no record. Read and Write include Describe, not DescribeConfigs.
    if (!read && !write) add('TOPIC', 'LITERAL', name, 'DESCRIBE', 'checks it exists as configured');
    add('TOPIC', 'LITERAL', name, 'DESCRIBE_CONFIGS', 'checks its settings against the config');
  }
  if (instance.role === 'central') {
    const main = config.groups.central;
    const lease = leaseGroupOf(main);
    add('GROUP', 'LITERAL', main, 'READ', 'consumes and commits (inside its transactions)');
    add('GROUP', 'LITERAL', lease, 'READ', 'the election group');
    add('GROUP', 'PREFIXED', `${main}-state-`, 'READ', 'its cp-state reader (a group of one process)');
    add('GROUP', 'PREFIXED', `${main}-audit-`, 'READ', "its audit view's reader (a group of one process)");
    add('GROUP', 'PREFIXED', `${lease}.nudge-`, 'READ', 'wakes a stuck transaction coordinator');
    add('TRANSACTIONAL_ID', 'LITERAL', lease, 'WRITE', "the active central's writes, fencing every earlier one");
    add('TRANSACTIONAL_ID', 'PREFIXED', `${lease}.nudge-`, 'WRITE', 'wakes a stuck transaction coordinator');
    // The nudge's sibling id must land on the same coordinator: it counts the partitions.
    add('TOPIC', 'LITERAL', '__transaction_state', 'DESCRIBE', "counts its partitions (the coordinator nudge's id)");
  } else if (instance.role === 'ocpp') {
    add('GROUP', 'PREFIXED', ocppGroupPrefix(config), 'READ', "each gateway's readers (groups of one process)");
  } else {
    const main = groupFor(config, instance.role, instance.id!);
    if (instance.role === 'cp') {
      add('GROUP', 'LITERAL', main, 'READ', 'its commands, committed');
      add('GROUP', 'PREFIXED', `${main}-registration-`, 'READ', "its registration answer (a group of one process)");
    } else {
      add('GROUP', 'LITERAL', main, 'READ', 'its answers and updates, committed');
      add('GROUP', 'PREFIXED', `${main}-state-`, 'READ', 'its cp-state reader (a group of one process)');
    }
  }
  return out;
}

export function aclPlan(config: EvchargeConfig, instances: RoleInstance[]): AclEntry[] {
  return instances.flatMap((i) => aclsFor(config, i));
}

/** Kafka's tool spells operations in CamelCase. */
export const OPERATION_WORD: Record<Operation, string> = { READ: 'Read', WRITE: 'Write', DESCRIBE: 'Describe', DESCRIBE_CONFIGS: 'DescribeConfigs' };
const RESOURCE_WORD: Record<ResourceType, string> = { TOPIC: 'topic', GROUP: 'group', TRANSACTIONAL_ID: 'transactional-id' };

/** `group cp-CP1-group-registration-*` (a trailing * for a prefix). */
export const resourceWord = (type: ResourceType, pattern: PatternType, name: string) => `${RESOURCE_WORD[type]} ${name}${pattern === 'PREFIXED' ? '*' : ''}`;

/** `Read on group cp-CP1-group`. */
export const aclText = (e: Pick<AclEntry, 'operation' | 'resourceType' | 'patternType' | 'name'>) => `${OPERATION_WORD[e.operation]} on ${resourceWord(e.resourceType, e.patternType, e.name)}`;

/** One ACL's identity (what Kafka compares), for sets. */
export const aclKey = (a: Pick<AclEntry, 'principal' | 'resourceType' | 'patternType' | 'name' | 'operation'>) =>
  `${a.principal}|${a.resourceType}|${a.patternType}|${a.name}|${a.operation}`;

/** The `evcharge acl` line that grants one role instance what it needs. */
export function aclCommandFor(config: EvchargeConfig, role: string, id?: string): string {
  const who = role === 'cp' && id ? ` --cp ${id}` : role === 'driver' && id ? ` --driver ${id}` : role === 'ocpp' ? ' --ocpp' : '';
  return `evcharge acl --config ${config.source}${who} --apply`;
}
