// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports, so they are taken
// from the default export once, here.
// Must come first: it patches a kafkajs module before kafkajs loads it (see the file).
import './kafkajs-send-fix.js';
import './kafkajs-txn-retry.js';
import './kafkajs-tls-reconnect-fix.js';
import kafkajs from 'kafkajs';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix.js';
import { applyKafkajsSilentBrokerFix } from './kafkajs-silent-broker.js';
import { applyKafkajsTlsReconnectFix } from './kafkajs-tls-reconnect-fix.js';
import { applyKafkajsRefusalKept } from './kafkajs-refusal-kept.js';

applyKafkajsIdleFix();
applyKafkajsSilentBrokerFix();
applyKafkajsTlsReconnectFix();
applyKafkajsRefusalKept();

export const { Kafka, Partitioners, ConfigResourceTypes, logLevel, AssignerProtocol, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;
export type { Admin, Consumer, Producer, Transaction, logCreator, PartitionAssigner } from 'kafkajs';
export type Kafka = InstanceType<typeof kafkajs.Kafka>;
