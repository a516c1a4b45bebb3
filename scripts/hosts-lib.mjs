// "Real hosts" on one Linux machine: network namespaces evc-h1..evc-hN on a private bridge, so a
// multi-host Kafka (one node per host, each bound to its own address) runs and fails like one on
// separate machines. The logic behind scripts/hosts.mjs, importable by tests (test/hosts/).
//
//   root namespace:  evc-br0 10.213.7.1/24  ──┬── evc-h1 ══ eth0 10.213.7.11/24 (namespace evc-h1)
//                                             ├── evc-h2 ══ eth0 10.213.7.12/24 (namespace evc-h2)
//                                             └── evc-h3 ══ eth0 10.213.7.13/24 (namespace evc-h3)
//
// Nothing else is configured: no default route in the namespaces, no forwarding, no NAT, IPv6
// off on these links, so the traffic stays on 10.213.7.0/24 on this machine.
// Needs root and iproute2 (`ip`). Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BRIDGE = 'evc-br0';
export const SUBNET = '10.213.7';
export const BRIDGE_ADDRESS = `${SUBNET}.1`;
export const PREFIX_LEN = 24;
export const MAX_HOSTS = 9;
/** Namespace of host n; also the name of the root namespace's end of its veth pair. */
export const hostName = (n) => `evc-h${n}`;
export const hostAddress = (n) => `${SUBNET}.${10 + n}`;
const NAME_RE = /^evc-h([1-9])$/;

function checkHost(n) {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new Error(`host must be 1..${MAX_HOSTS}, got "${n}"`);
  return n;
}

/** Runs a command; returns {status, stdout, stderr}. Throws with its output when it fails, unless allowFail. */
function run(cmd, args, { allowFail = false, input } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.error) {
    if (allowFail) return { status: 127, stdout: '', stderr: r.error.message };
    throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  }
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
const ip = (...args) => run('ip', args);
const ipMaybe = (...args) => run('ip', args, { allowFail: true });

/** Namespaces named evc-hN that exist now, as numbers. */
export function existingHosts() {
  const r = ipMaybe('netns', 'list');
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((line) => NAME_RE.exec(line.split(' ')[0] ?? ''))
    .filter(Boolean)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

const linkExists = (name, ns) => (ns ? ipMaybe('-n', ns, 'link', 'show', 'dev', name) : ipMaybe('link', 'show', 'dev', name)).status === 0;
/** Whether a link is administratively up (the UP flag). */
function linkUp(name, ns) {
  const r = ns ? ipMaybe('-n', ns, '-o', 'link', 'show', 'dev', name) : ipMaybe('-o', 'link', 'show', 'dev', name);
  if (r.status !== 0) return null;
  const flags = /<([^>]*)>/.exec(r.stdout)?.[1]?.split(',') ?? [];
  return flags.includes('UP');
}
function hasAddress(dev, cidr, ns) {
  const r = ns ? ipMaybe('-n', ns, '-o', '-4', 'addr', 'show', 'dev', dev) : ipMaybe('-o', '-4', 'addr', 'show', 'dev', dev);
  return r.status === 0 && r.stdout.split(/\s+/).includes(cidr);
}

/** IPv6 off on one interface (root namespace, or inside ns), so the only addresses are ours. */
function noIpv6(dev, ns) {
  const key = `net.ipv6.conf.${dev}.disable_ipv6=1`;
  if (ns) run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', key], { allowFail: true });
  else {
    const file = `/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`;
    try {
      if (existsSync(file)) writeFileSync(file, '1');
    } catch {}
  }
}

/**
 * Whether network namespaces can be made here: Linux, root, `ip` present, and a throwaway
 * namespace with a veth pair can be created (containers without CAP_NET_ADMIN or without
 * /run/netns fail here). Never throws.
 */
export function netnsSupport() {
  if (process.platform !== 'linux') return { ok: false, why: `network namespaces are Linux only (this is ${process.platform})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, why: 'needs root (ip netns add needs CAP_SYS_ADMIN and CAP_NET_ADMIN)' };
  const v = run('ip', ['-V'], { allowFail: true });
  if (v.status !== 0) return { ok: false, why: `the ip command (iproute2) is missing: ${v.stderr.trim() || `exit ${v.status}`}` };
  const ns = `evc-check-${process.pid}`;
  const add = ipMaybe('netns', 'add', ns);
  if (add.status !== 0) return { ok: false, why: `ip netns add fails here: ${add.stderr.trim()}` };
  try {
    const veth = ipMaybe('link', 'add', `evc-chk${process.pid % 10000}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    if (veth.status !== 0) return { ok: false, why: `cannot create a veth pair: ${veth.stderr.trim()}` };
    ipMaybe('link', 'del', `evc-chk${process.pid % 10000}`);
    return { ok: true, why: '' };
  } finally {
    ipMaybe('netns', 'delete', ns);
  }
}

// Bridged traffic between two namespaces passes iptables' FORWARD chain when br_netfilter is
// loaded with bridge-nf-call-iptables=1 (Docker turns it on and sets FORWARD's policy to DROP).
// Then an ACCEPT rule for this bridge only; down() removes it. The sysctl itself is left alone:
// it is global and other bridges may rely on it.
const NF_SYSCTL = '/proc/sys/net/bridge/bridge-nf-call-iptables';
const FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT'];
export function bridgeNetfilter() {
  const callsIptables = existsSync(NF_SYSCTL) && readFileSync(NF_SYSCTL, 'utf8').trim() === '1';
  const iptables = run('iptables', ['--version'], { allowFail: true }).status === 0;
  return { loaded: existsSync(NF_SYSCTL), callsIptables, iptables };
}
function allowBridgedTraffic() {
  const nf = bridgeNetfilter();
  if (!nf.callsIptables || !nf.iptables) return nf;
  if (run('iptables', ['-C', ...FORWARD_RULE], { allowFail: true }).status !== 0) run('iptables', ['-I', ...FORWARD_RULE]);
  return { ...nf, rule: true };
}
function removeBridgeRule() {
  if (run('iptables', ['--version'], { allowFail: true }).status !== 0) return;
  while (run('iptables', ['-C', ...FORWARD_RULE], { allowFail: true }).status === 0) run('iptables', ['-D', ...FORWARD_RULE], { allowFail: true });
}

function ensureBridge() {
  if (!linkExists(BRIDGE)) ip('link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  noIpv6(BRIDGE);
  const cidr = `${BRIDGE_ADDRESS}/${PREFIX_LEN}`;
  if (!hasAddress(BRIDGE, cidr)) ip('addr', 'add', cidr, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
}

function ensureHost(n) {
  const ns = hostName(n);
  if (!existingHosts().includes(n)) ip('netns', 'add', ns);
  // The root end is named like the namespace; the namespace end is eth0, as on a real machine.
  const rootEnd = linkExists(ns);
  const nsEnd = linkExists('eth0', ns);
  if (!rootEnd || !nsEnd) {
    if (rootEnd) ip('link', 'del', ns);
    if (nsEnd) ip('-n', ns, 'link', 'del', 'eth0');
    ip('link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  }
  noIpv6(ns);
  noIpv6('eth0', ns);
  ip('link', 'set', ns, 'master', BRIDGE);
  const cidr = `${hostAddress(n)}/${PREFIX_LEN}`;
  if (!hasAddress('eth0', cidr, ns)) ip('-n', ns, 'addr', 'add', cidr, 'dev', 'eth0');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'link', 'set', 'eth0', 'up');
  ip('link', 'set', ns, 'up');
}

/**
 * Creates (or repairs) the bridge and hosts 1..hosts, every link up, then checks with TCP that the
 * root namespace reaches every host and host 1 reaches the others. Idempotent. Resolves to the
 * hosts, [{n, name, address}]. Throws, saying why, when the traffic does not pass.
 */
export async function up({ hosts = 3, probe: doProbe = true } = {}) {
  checkHost(hosts);
  ensureBridge();
  for (let n = 1; n <= hosts; n++) ensureHost(n);
  const nf = allowBridgedTraffic();
  const list = Array.from({ length: hosts }, (_, i) => ({ n: i + 1, name: hostName(i + 1), address: hostAddress(i + 1) }));
  if (doProbe) {
    const failed = await probe(list.map((h) => h.n));
    if (failed.length) {
      const hint = nf.callsIptables
        ? nf.iptables
          ? 'bridge-nf-call-iptables is 1; an ACCEPT rule for evc-br0 was added to FORWARD, yet traffic is dropped (nftables rules?)'
          : 'bridge-nf-call-iptables is 1 and iptables is not installed, so no ACCEPT rule could be added: ' +
            'allow forwarding on evc-br0 in your firewall, or `sysctl -w net.bridge.bridge-nf-call-iptables=0` if nothing else needs it'
        : 'no bridge netfilter in the way; check `ip -br link` and `bridge link`';
      throw new Error(`hosts are up but not all traffic passes: ${failed.join('; ')} (${hint})`);
    }
  }
  return list;
}

/**
 * TCP reachability: a listener on each host's address (inside its namespace), connected to from
 * the root namespace and from the first host. Resolves to the failures, [] when all pass.
 */
export async function probe(hosts, timeoutMs = 3000) {
  const listenerJs = `const s=require('net').createServer(c=>c.end()).listen(0,process.argv[1],()=>console.log(s.address().port));setTimeout(()=>process.exit(0),${timeoutMs + 2000}).unref();process.stdin.on('end',()=>process.exit(0)).resume();`;
  const listeners = hosts.map((n) => {
    const child = spawn('ip', ['netns', 'exec', hostName(n), process.execPath, '-e', listenerJs, hostAddress(n)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const port = new Promise((resolve) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => resolve(null));
    });
    return { n, child, port };
  });
  try {
    const ports = await Promise.all(listeners.map((l) => l.port));
    const failures = [];
    const targets = hosts.map((n, i) => ({ n, address: hostAddress(n), port: ports[i] }));
    for (const t of targets) if (t.port === null) failures.push(`no listener could start on host ${t.n}`);
    const live = targets.filter((t) => t.port !== null);
    const connectJs = `const net=require('net');const ts=JSON.parse(process.argv[1]);Promise.all(ts.map(t=>new Promise(r=>{const s=net.connect({host:t.address,port:t.port,timeout:${timeoutMs}});s.once('connect',()=>{s.destroy();r(null)});s.once('timeout',()=>{s.destroy();r(t.address+': timeout')});s.once('error',e=>r(t.address+': '+e.code))}))).then(rs=>{console.log(JSON.stringify(rs.filter(Boolean)))})`;
    const from = (label, cmd) => {
      const r = spawnSync(cmd[0], [...cmd.slice(1), '-e', connectJs, JSON.stringify(live)], { encoding: 'utf8', timeout: timeoutMs + 5000 });
      try {
        for (const f of JSON.parse(r.stdout.trim())) failures.push(`${label} -> ${f}`);
      } catch {
        failures.push(`${label}: probe failed (${(r.stderr || r.error?.message || '').trim()})`);
      }
    };
    from('root namespace', [process.execPath]);
    if (live.length > 1) from(hostName(live[0].n), ['ip', 'netns', 'exec', hostName(live[0].n), process.execPath]);
    return failures;
  } finally {
    for (const l of listeners) {
      l.child.stdin.end();
      l.child.kill();
    }
  }
}

/** Process ids running inside host n's namespace. */
export function pidsIn(n) {
  const r = ipMaybe('netns', 'pids', hostName(n));
  return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

/** Whether pid still runs (a zombie waiting for its parent to reap it does not). */
const alive = (pid) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * Removes every evc-hN namespace (after killing what runs inside: SIGTERM, then SIGKILL after
 * graceMs), their veths, the bridge and the FORWARD rule. Idempotent. Resolves to what it killed.
 */
export async function down({ graceMs = 3000 } = {}) {
  const hosts = existingHosts();
  const pids = hosts.flatMap((n) => pidsIn(n));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  for (const n of hosts) ipMaybe('netns', 'delete', hostName(n));
  // Deleting a namespace deletes its eth0 and so the veth pair; a root end left without one goes too.
  for (let n = 1; n <= MAX_HOSTS; n++) if (linkExists(hostName(n))) ipMaybe('link', 'del', hostName(n));
  if (linkExists(BRIDGE)) ipMaybe('link', 'del', BRIDGE);
  removeBridgeRule();
  return { hosts, killed: pids };
}

function requireHost(n) {
  checkHost(n);
  if (!existingHosts().includes(n)) throw new Error(`host ${n} does not exist (run \`node scripts/hosts.mjs up\`)`);
}

/** Takes host n's link down at both ends: it reaches neither the other hosts nor the root namespace. */
export function cut(n) {
  requireHost(n);
  ip('link', 'set', hostName(n), 'down');
  ip('-n', hostName(n), 'link', 'set', 'eth0', 'down');
}

/** Brings host n's link up again at both ends. */
export function heal(n) {
  requireHost(n);
  ip('-n', hostName(n), 'link', 'set', 'eth0', 'up');
  ip('link', 'set', hostName(n), 'up');
}

/** The hosts that exist: [{n, name, address, link: 'up'|'down'|'missing', pids}], and the bridge's state. */
export function status() {
  const hosts = existingHosts().map((n) => {
    const ns = hostName(n);
    const rootUp = linkUp(ns);
    const nsUp = linkUp('eth0', ns);
    const link = rootUp === null || nsUp === null ? 'missing' : rootUp && nsUp ? 'up' : 'down';
    const addr = ipMaybe('-n', ns, '-o', '-4', 'addr', 'show', 'dev', 'eth0').stdout.match(/inet (\S+)/)?.[1] ?? null;
    return { n, name: ns, address: addr ? addr.split('/')[0] : null, link, pids: pidsIn(n) };
  });
  return { bridge: linkExists(BRIDGE) ? { name: BRIDGE, address: BRIDGE_ADDRESS, up: linkUp(BRIDGE) } : null, hosts };
}

/** argv for running cmd inside host n's namespace: ['ip', 'netns', 'exec', 'evc-hN', ...cmd]. */
export function execArgv(n, cmd) {
  checkHost(n);
  return ['ip', 'netns', 'exec', hostName(n), ...cmd];
}
