// Record protection's cost (issue 12): central's ingest and the authorization round trip with
// security.records sign and encrypt, against the same measurements with records plain, in one run.
// Goals: ingest at least 0.8 of the plain run's; auth p99 within 2 ms of the plain run's.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, round } from './lib/env.mjs';
import { fabricatedSupplies, telemetryFor, timeBacklog } from './ingest.mjs';

const dist = (p) => import(path.join(ROOT, 'dist/src', p));

export const SECURITY_GOALS = { ingestRatio: 0.8, authP99DeltaMs: 2 };

/**
 * Turns an isolated config into one whose records are sealed, with a registry beside it that
 * already holds the fabricated ingest CPs and drivers; returns the seal a writer would apply.
 */
async function protect(cfg, protection, cpCount, prefix) {
  if (protection === 'off') return { seal: undefined };
  const { emptyRegistry, addIdentity } = await dist('roles/central/registry.js');
  const { writeRegistry } = await dist('cli/registry-store.js');
  const { identityKey, sessionKey, newCredentialSecret } = await dist('protocol/credentials.js');
  const { sealValue } = await dist('protocol/seal.js');
  const registryFile = path.join(path.dirname(cfg.path), `${cfg.tag}-registry.json`);
  appendFileSync(cfg.path, ['security:', `  records: ${protection}`, `  registry_file: ${registryFile}`, ''].join('\n'));
  let doc = emptyRegistry(newCredentialSecret());
  const secrets = new Map();
  const pad = (i) => String(i + 1).padStart(4, '0');
  for (let i = 0; i < cpCount; i++) {
    for (const [kind, id] of [['cp', `${prefix}${pad(i)}`], ['driver', `${prefix}D${pad(i)}`]]) {
      const secret = newCredentialSecret();
      doc = addIdentity(doc, kind, id, secret, new Date()).doc;
      secrets.set(`${kind}:${id}`, secret);
    }
  }
  writeRegistry(registryFile, doc);
  const keys = new Map();
  const keyOf = (name, make) => keys.get(name) ?? (keys.set(name, make()), keys.get(name));
  // Counters only grow: microseconds since the epoch, one more for every record sealed.
  let ctr = Date.now() * 1000;
  const seal = (topic, key, value, who) => {
    const k =
      topic === 'cp-register'
        ? keyOf(`cp:${who.cpId}`, () => identityKey('cp', who.cpId, secrets.get(`cp:${who.cpId}`)))
        : topic === 'auth-request'
          ? keyOf(`driver:${who.driverId}`, () => identityKey('driver', who.driverId, secrets.get(`driver:${who.driverId}`)))
          : keyOf(who.kid, () => sessionKey(who.kid, secrets.get(`cp:${who.cpId}`)));
    return sealValue(topic, key, value, k, ++ctr, Date.now(), protection);
  };
  return { seal };
}

/**
 * For each protection in turn (off first): a central and its ingest of a telemetry backlog, then
 * a central serving `evcharge sim` drivers (sealing with their own credentials: --enroll).
 */
export async function phaseSecurity(b) {
  const { P, kafka, admin, log } = b;
  const out = { goals: SECURITY_GOALS, cps: P.ingestCps, messages: P.ceilingMessages, runs: {} };
  for (const protection of ['off', 'sign', 'encrypt']) {
    const run = {};
    {
      const cfg = b.isolatedConfig(b.newTag(`sec-ingest-${protection}`), { ...b.topicSettings, heartbeatTimeoutMs: 600_000, sessionTimeoutMs: 60_000 });
      b.configs.push(cfg);
      const { seal } = await protect(cfg, protection, P.ingestCps, 'ING');
      const central = b.centralProcess(cfg, { nodeArgs: b.profArgs ?? [] });
      await b.waitServing(central);
      const cps = await fabricatedSupplies({ kafka, cfg, central, cpCount: P.ingestCps, ...(seal && { seal }) });
      const telemetry = telemetryFor(cps, P.ceilingMessages, seal);
      run.valueBytes = Math.round(telemetry.reduce((n, m) => n + m.value.length, 0) / telemetry.length);
      run.ingest = await timeBacklog({ kafka, admin, cfg, central, telemetry, endOffset: b.endOffset });
      const refused = central.events.filter((e) => e.kind === 'malformed');
      run.refused = refused.length;
      run.refusedReasons = {};
      for (const e of refused) {
        const code = String(e.reason ?? '').split(':')[0];
        run.refusedReasons[code] = (run.refusedReasons[code] ?? 0) + 1;
      }
      if (refused.length) log(`security ${protection}: refused, e.g. ${refused[0].reason}`);
      await central.stop();
      log(`security ${protection}: ingest ${run.ingest.perSecond}/s (${run.valueBytes} B records, central CPU ${run.ingest.centralCpuShare}), ${run.refused} refused`);
    }
    {
      const cfg = b.isolatedConfig(b.newTag(`sec-latency-${protection}`), b.topicSettings);
      b.configs.push(cfg);
      await protect(cfg, protection, 0, 'NONE');
      const central = b.centralProcess(cfg);
      await b.waitServing(central);
      const L = P.latency;
      const args = b.simArgs(cfg, { cps: L.cps, drivers: L.drivers, seconds: 120, supplySeconds: L.supplySeconds, pause: 0.1, maxRequests: L.requests });
      const sim = b.track(new b.BinProcess([...args, ...(protection === 'off' ? [] : ['--enroll'])], { name: 'sim' }));
      const summary = await sim.waitFor((e) => e.kind === 'sim-summary', 'sim summary', 240_000);
      await sim.stop();
      await central.stop();
      run.authRoundTripMs = summary.authRoundTripMs;
      run.requests = summary.requests;
      run.timeouts = summary.timeouts;
      run.simErrors = summary.errors;
      log(`security ${protection}: auth p50 ${summary.authRoundTripMs.p50} p99 ${summary.authRoundTripMs.p99} ms over ${summary.authRoundTripMs.count}, ${summary.timeouts} timeouts`);
    }
    out.runs[protection] = run;
  }
  const off = out.runs.off;
  for (const protection of ['sign', 'encrypt']) {
    const r = out.runs[protection];
    r.ingestRatio = round(r.ingest.perSecond / off.ingest.perSecond, 3);
    r.authP99DeltaMs = r.authRoundTripMs.p99 !== null && off.authRoundTripMs.p99 !== null ? round(r.authRoundTripMs.p99 - off.authRoundTripMs.p99, 2) : null;
    r.meetsGoals = r.ingestRatio >= SECURITY_GOALS.ingestRatio && r.authP99DeltaMs !== null && r.authP99DeltaMs <= SECURITY_GOALS.authP99DeltaMs && r.refused === 0 && r.timeouts === 0;
  }
  return out;
}
