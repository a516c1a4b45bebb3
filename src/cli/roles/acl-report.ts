import { OPERATION_WORD, resourceWord, type AclEntry, type Operation, type ResourceType } from '../../config/acl-plan.js';

/**
 * The plan as a table: one row per principal and resource with its operations (every ACL is ALLOW
 * from any host); the reason is the main operation's, not the start-up check's.
 */
export function aclTable(entries: AclEntry[]): string[] {
  const grouped = new Map<string, { e: AclEntry; ops: Operation[]; whys: string[] }>();
  for (const e of entries) {
    const key = `${e.principal}|${e.resourceType}|${e.patternType}|${e.name}`;
    const row = grouped.get(key) ?? { e, ops: [], whys: [] };
    row.ops.push(e.operation);
    const check = e.operation === 'DESCRIBE_CONFIGS' || (e.operation === 'DESCRIBE' && e.resourceType === 'TOPIC' && e.name !== '__transaction_state');
    if (!check || row.whys.length === 0) row.whys.push(e.why);
    if (!check && row.whys.length > 1 && /checks/.test(row.whys[0]!)) row.whys.shift();
    grouped.set(key, row);
  }
  const rows = [...grouped.values()].map(({ e, ops, whys }) => [e.principal, resourceWord(e.resourceType, e.patternType, e.name), ops.map((o) => OPERATION_WORD[o]).join(', '), whys.join('; ')]);
  const header = ['principal', 'resource (* a prefix)', 'operations', 'why'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

/**
 * The same ACLs as kafka-acls commands, as few as Kafka's tool allows: one per principal, resource
 * kind, pattern and set of operations, naming every resource that takes that set.
 */
export function aclCommands(entries: AclEntry[], bootstrap: string[], commandConfig: string): string[] {
  const byResource = new Map<string, { e: AclEntry; ops: Set<Operation> }>();
  for (const e of entries) {
    const key = `${e.principal}|${e.resourceType}|${e.patternType}|${e.name}`;
    const slot = byResource.get(key) ?? { e, ops: new Set<Operation>() };
    slot.ops.add(e.operation);
    byResource.set(key, slot);
  }
  const commands = new Map<string, { e: AclEntry; ops: Operation[]; names: string[] }>();
  for (const { e, ops } of byResource.values()) {
    const sorted = [...ops].sort();
    const key = `${e.principal}|${e.resourceType}|${e.patternType}|${sorted.join(',')}`;
    const cmd = commands.get(key) ?? { e, ops: sorted, names: [] };
    cmd.names.push(e.name);
    commands.set(key, cmd);
  }
  const flag: Record<ResourceType, string> = { TOPIC: '--topic', GROUP: '--group', TRANSACTIONAL_ID: '--transactional-id' };
  return [...commands.values()].map(({ e, ops, names }) =>
    [
      'kafka-acls.sh',
      `--bootstrap-server ${bootstrap.join(',')}`,
      `--command-config ${commandConfig}`,
      '--add',
      `--allow-principal ${e.principal}`,
      ...ops.map((o) => `--operation ${OPERATION_WORD[o]}`),
      ...(e.patternType === 'PREFIXED' ? ['--resource-pattern-type prefixed'] : []),
      ...names.map((n) => `${flag[e.resourceType]} ${n}`),
    ].join(' '),
  );
}
