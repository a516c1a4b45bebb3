#!/usr/bin/env node
// Three (or up to nine) "real hosts" on one Linux machine, as network namespaces on a private
// bridge, for multi-host Kafka tests. Needs root and iproute2. See scripts/hosts-lib.mjs.
//
//   node scripts/hosts.mjs up [--hosts 3]      namespaces evc-h1..evc-hN, bridge evc-br0 10.213.7.1/24,
//                                              host N at 10.213.7.(10+N)/24 on its eth0; idempotent
//   node scripts/hosts.mjs down                kill what runs inside, remove namespaces, veths, bridge
//   node scripts/hosts.mjs cut N               host N's link down (both ends): it reaches nobody
//   node scripts/hosts.mjs heal N              host N's link up again
//   node scripts/hosts.mjs exec N -- CMD ...   run CMD inside host N (stdio and exit code passed through)
//   node scripts/hosts.mjs status [--json]     hosts, addresses, links, processes inside
//   node scripts/hosts.mjs check [--json]      exit 0 when namespaces can be made here, else 1 and why
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import * as hosts from './hosts-lib.mjs';

const say = (msg) => console.log(`[hosts] ${msg}`);
const die = (msg, code = 1) => {
  console.error(`[hosts] ${msg}`);
  process.exit(code);
};
const USAGE = 'usage: hosts.mjs up [--hosts N] | down | cut N | heal N | exec N -- CMD ARGS... | status [--json] | check [--json]';

function hostArg(arg) {
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > hosts.MAX_HOSTS) die(`host must be 1..${hosts.MAX_HOSTS}, got "${arg ?? ''}"`, 2);
  return n;
}

function requireSupport() {
  const s = hosts.netnsSupport();
  if (!s.ok) die(`network namespaces are not available: ${s.why}`);
}

const [cmd, ...argv] = process.argv.slice(2);
try {
  switch (cmd) {
    case 'up': {
      const i = argv.indexOf('--hosts');
      const count = i >= 0 ? hostArg(argv[i + 1]) : 3;
      requireSupport();
      const list = await hosts.up({ hosts: count });
      say(`bridge ${hosts.BRIDGE} ${hosts.BRIDGE_ADDRESS}/${hosts.PREFIX_LEN} (root namespace)`);
      for (const h of list) console.log(`${h.name} ${h.address}`);
      break;
    }
    case 'down': {
      const { hosts: removed, killed } = await hosts.down();
      say(removed.length ? `removed ${removed.map(hosts.hostName).join(', ')}${killed.length ? ` (killed ${killed.length} process${killed.length > 1 ? 'es' : ''} inside)` : ''}` : 'no hosts');
      break;
    }
    case 'cut': {
      const n = hostArg(argv[0]);
      hosts.cut(n);
      say(`${hosts.hostName(n)} (${hosts.hostAddress(n)}) cut off`);
      break;
    }
    case 'heal': {
      const n = hostArg(argv[0]);
      hosts.heal(n);
      say(`${hosts.hostName(n)} (${hosts.hostAddress(n)}) connected again`);
      break;
    }
    case 'exec': {
      const n = hostArg(argv[0]);
      const rest = argv[1] === '--' ? argv.slice(2) : argv.slice(1);
      if (rest.length === 0) die('exec N -- CMD ARGS...: no command given', 2);
      if (!hosts.existingHosts().includes(n)) die(`host ${n} does not exist (run \`node scripts/hosts.mjs up\`)`, 2);
      const [bin, ...args] = hosts.execArgv(n, rest);
      const r = spawnSync(bin, args, { stdio: 'inherit' });
      if (r.error) die(`${rest[0]}: ${r.error.message}`);
      process.exitCode = r.status ?? 128 + (os.constants.signals[r.signal] ?? 0);
      break;
    }
    case 'status': {
      const s = hosts.status();
      if (argv.includes('--json')) {
        console.log(JSON.stringify(s));
      } else {
        console.log(s.bridge ? `bridge ${s.bridge.name} ${s.bridge.address}/${hosts.PREFIX_LEN} ${s.bridge.up ? 'up' : 'down'}` : 'no bridge');
        for (const h of s.hosts) console.log(`${h.name} ${h.address ?? '(no address)'} link ${h.link}${h.pids.length ? `  pids ${h.pids.join(' ')}` : ''}`);
        if (!s.hosts.length) console.log('no hosts (run `node scripts/hosts.mjs up`)');
      }
      process.exitCode = s.hosts.length ? 0 : 1;
      break;
    }
    case 'check': {
      const s = hosts.netnsSupport();
      if (argv.includes('--json')) console.log(JSON.stringify(s));
      else if (s.ok) say('network namespaces can be made here');
      else console.error(`[hosts] network namespaces are not available: ${s.why}`);
      process.exitCode = s.ok ? 0 : 1;
      break;
    }
    default:
      die(USAGE, 2);
  }
} catch (e) {
  die(e instanceof Error ? e.message : String(e));
}
