import { existsSync } from 'node:fs';
import path from 'node:path';
import { aclPlan, instancesOf } from '../../config/acl-plan.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { applyPlan } from '../../kafka/acl-admin.js';
import type { CommonArgs } from '../common-args.js';
import { requireId } from '../role-args.js';
import { aclCommands, aclTable } from './acl-report.js';

/** `--cp CP001 --cp CP002` or `--cp CP001,CP002`: each id checked as the role checks its own. */
function ids(kind: 'cp' | 'driver', value: unknown): string[] {
  const list = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  return [...new Set(list.map((id) => requireId(kind, id, kind)))];
}

/**
 * `evcharge acl --config F [--cp ID...] [--driver ID...] [--ocpp] [--apply]`: the ACLs the config's
 * network needs, central's and those of the CPs and drivers named (and the OCPP gateways' with --ocpp), as a table and as kafka-acls commands;
 * with --apply, creates the missing topics and ACLs as the config's admin.
 */
export async function runAcl(config: EvchargeConfig, argv: CommonArgs): Promise<number> {
  const cps = ids('cp', argv['cp']);
  const drivers = ids('driver', argv['driver']);
  const entries = aclPlan(config, instancesOf(cps, drivers, argv['ocpp'] === true));
  // The local secure cluster writes the admin's client config beside the evcharge config it makes.
  const beside = path.join(path.dirname(config.source), 'admin.properties');
  const commandConfig = existsSync(beside) ? beside : 'admin.properties';
  if (argv.json) {
    process.stdout.write(JSON.stringify({ config: config.source, principals: config.principals, acls: entries, commands: aclCommands(entries, config.brokers, commandConfig) }, null, 2) + '\n');
  } else {
    const out: string[] = [];
    out.push(`evcharge acl · ${config.source} · principals: central ${config.principals.central}, cp ${config.principals.cp}, driver ${config.principals.driver}${argv['ocpp'] === true ? `, ocpp ${config.principals.ocpp}` : ''}`);
    if (!config.security) out.push('note: kafka.security is not set in this config, so its roles connect without a user; these are the ACLs its roles need on a secure cluster');
    if (cps.length === 0 && drivers.length === 0 && argv['ocpp'] !== true) out.push('(central only: name the CPs and drivers with --cp ID and --driver ID, each one a principal of its own, and --ocpp for the OCPP gateways)');
    out.push('', `ACLs (${entries.length}, each ALLOW from any host):`, ...aclTable(entries));
    out.push('', `The same with Kafka's own tool, as the cluster's admin (${commandConfig === 'admin.properties' ? "admin.properties: the admin's client config" : 'the local cluster\'s admin client config'}):`);
    out.push(...aclCommands(entries, config.brokers, commandConfig).map((c) => `  ${c}`));
    process.stdout.write(out.join('\n') + '\n');
  }
  if (!argv['apply']) return 0;
  const result = await applyPlan(config, entries);
  const topics = result.createdTopics.length ? `created ${result.createdTopics.length} topics (${result.createdTopics.join(', ')}); ` : '';
  const line = `applied: ${topics}created ${result.created} ACLs, ${result.present} were there already`;
  if (argv.json) process.stdout.write(JSON.stringify({ applied: result }) + '\n');
  else process.stdout.write(`\n${line}\n`);
  return 0;
}
