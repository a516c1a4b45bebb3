// Turns bench results (latest.json) into the markdown table the README shows (latest.md).

const f = (v, unit = '', digits = 1) => (v === null || v === undefined ? '–' : `${typeof v === 'number' ? round(v, digits) : v}${unit}`);
const round = (n, d) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (v) => (v === null || v === undefined ? '–' : `${round(v * 100, 1)} %`);
const lat = (s) => (s && s.count ? `${f(s.p50, ' ms')} / ${f(s.p99, ' ms')} (n=${s.count})` : '–');
const num = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const mark = (ok) => (ok === null || ok === undefined ? '' : ok ? ' ✅' : ' ❌');

export function renderMarkdown(r) {
  const m = r.machine;
  const c = r.conditions;
  const lines = [];
  lines.push(`# evcharge benchmark (${r.mode} run, ${r.at.slice(0, 16).replace('T', ' ')} UTC)`);
  lines.push('');
  lines.push('| machine | |');
  lines.push('|---|---|');
  lines.push(`| CPU | ${m.cpu}, ${m.cores} cores |`);
  lines.push(`| RAM | ${m.ramGb} GB |`);
  lines.push(`| Node | ${m.node} (kafkajs ${m.kafkajs}) |`);
  lines.push(`| Kafka | ${m.kafka}, ${c.brokers?.length ?? '?'} broker(s) on the same machine; topics ${c.partitions} partitions, RF ${c.replicationFactor}, min ISR ${c.minInsyncReplicas}, acks -1 |`);
  lines.push(`| load average | ${m.loadavgAtStart?.join(' ')} at start, ${m.loadavgAtEnd?.join(' ') ?? '–'} at end (other work shares the machine) |`);
  lines.push(`| run time | ${f(r.seconds, ' s', 0)} |`);
  lines.push('');
  lines.push('| # | figure | measured | target |');
  lines.push('|---|---|---|---|');
  const ce = r.ceiling;
  const ing = r.ingest;
  if (ce) {
    lines.push(`| 1 | ceiling: raw kafkajs produce (${num(ce.messages)} × ${ce.valueBytes} B, batches of 1000, acks -1) | ${num(ce.produce.perSecond)} msg/s | |`);
    lines.push(`| 1 | ceiling: raw kafkajs consume (eachBatch, commit per batch) | ${num(ce.consume.perSecond)} msg/s | |`);
    lines.push(`| 1 | ceiling: raw kafkajs consume + relay one record each (central's shape) | ${num(ce.consumeAndRelay.perSecond)} msg/s | |`);
  }
  if (ing) {
    lines.push(`| 2 | central ingest: telemetry applied (state updated, progress relayed, committed) | ${num(ing.perSecond)} msg/s (${num(ing.relayed)} relayed, central CPU ${pct(ing.centralCpuShare)}) | |`);
    lines.push(`| 2 | … as a ratio to raw consume | ${f(ing.ratioToConsume, '', 2)} | ≥ 0.9${mark(ing.ratioToConsume >= 0.9)} |`);
    lines.push(`| 2 | … as a ratio to raw consume + relay | ${f(ing.ratioToConsumeAndRelay, '', 2)} | ≥ 0.9${mark(ing.ratioToConsumeAndRelay >= 0.9)} |`);
  }
  const l = r.latency;
  if (l) {
    lines.push(`| 3 | raw kafkajs produce → consume, for reference (p50 / p99) | ${lat(l.rawKafkaRoundTripMs)} | |`);
    lines.push(`| 3 | authorization round trip, request → answer at the driver (p50 / p99) | ${lat(l.authRoundTripMs)} | p99 ≤ 25 ms${mark(l.authRoundTripMs.p99 !== null && l.authRoundTripMs.p99 <= 25)} |`);
    lines.push(`| 4 | supply start: request → supply-started at the driver (p50 / p99) | ${lat(l.supplyStartedMs)} | |`);
    lines.push(`| 4 | supply start: request → first telemetry at the driver (CPs send every ${l.telemetryIntervalMs} ms) | ${lat(l.firstTelemetryMs)} | |`);
  }
  const s = r.scale;
  if (s) {
    lines.push(`| 5 | scale: ${num(s.cps)} CPs at 1 Hz for ${s.seconds} s, central with the TUI: CPU (share of one core, mean / p90; kernel part) | ${pct(s.centralCpuShare)} / ${pct(s.centralCpuShareP90)}; kernel ${pct(s.centralSysShare)} | ≤ 20 %${mark(s.centralCpuShare !== null && s.centralCpuShare <= 0.2)} |`);
    lines.push(`| 5 | … RSS (max) | ${f(s.centralRssMaxMb, ' MB')} | ≤ 200 MB${mark(s.centralRssMaxMb !== null && s.centralRssMaxMb <= 200)} |`);
    lines.push(`| 5 | … consumer lag (max / last / mean of 2nd half, records) | ${num(s.lag.max)} / ${num(s.lag.last)} / ${num(s.lag.meanSecondHalf)} | bounded${mark(s.keepsUp)} |`);
    const tr = s.tui?.renderMs;
    lines.push(`| 5 | … TUI render time per frame (p50 / p99 / max) | ${tr ? `${f(tr.p50, ' ms')} / ${f(tr.p99, ' ms')} / ${f(tr.max, ' ms')} (${s.tui.frames} frames)` : `not measured: ${s.tui?.notMeasured ?? '–'}`} | ≤ 10 ms${tr ? mark(tr.p99 <= 10) : ''} |`);
    if (s.watchingDriverCpuShare !== undefined) lines.push(`| 5 | … an idle driver on the same network meanwhile: CPU / RSS | ${pct(s.watchingDriverCpuShare)} (kernel ${pct(s.watchingDriverSysShare)}) / ${f(s.watchingDriverRssMaxMb, ' MB')} | ≤ 2 %${mark(s.watchingDriverCpuShare !== null && s.watchingDriverCpuShare <= 0.02)} |`);
    lines.push(`| 5 | … load offered by the simulator | ${num(s.simOutPerSecond)} msg/s, ${num(s.supplyingAtEnd)} supplying, ${num(s.suppliesCompleted)} supplies completed | |`);
  }
  lines.push(...securityRows(r.security));
  lines.push(...ocppRows(r.ocpp));
  const tk = r.takeover;
  if (tk) lines.push(`| 6 | takeover: kill -9 of the active central → first decision by the new active (p50 / max over ${tk.kills} kills; lease session ${tk.sessionMs} ms) | ${f(tk.p50Ms, ' ms', 0)} / ${f(tk.maxMs, ' ms', 0)} | ≤ 5000 ms${mark(tk.maxMs !== null && tk.maxMs <= 5000)} |`);
  if (r.maxN) lines.push(`| 5 | largest N central keeps up with, headless (tried ${r.maxN.tried.map((t) => `${t.cps}${t.keepsUp ? '✓' : '✗'}`).join(', ')}; beyond it: ${r.maxN.limitedBy}) | ${num(r.maxN.largestKeptUp)} CPs | |`);
  lines.push('');
  if (r.growth?.length) {
    lines.push('Growth (central headless: `evcharge central --no-tui --json`; every CP supplying, telemetry and heartbeat at 1 Hz):');
    lines.push('');
    lines.push('| CPs | sim sent / asked msg/s (sim CPU) | central CPU (mean / p90; kernel) | central RSS max | central lag max / last | auth p50 / p99 | central keeps up | load delivered |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const g of r.growth) {
      lines.push(`| ${num(g.cps)} | ${num(g.simOutPerSecond)} / ${num(g.simTargetPerSecond)} (${pct(g.simCpuShare)}) | ${pct(g.centralCpuShare)} / ${pct(g.centralCpuShareP90)}; ${pct(g.centralSysShare)} | ${f(g.centralRssMaxMb, ' MB')} | ${num(g.lag.max)} / ${num(g.lag.last)} | ${lat(g.authRoundTripMs)} | ${g.keepsUp ? 'yes' : 'no'} | ${g.loadDelivered ? 'yes' : 'no'} |`);
    }
    lines.push('');
  }
  if (r.notes?.length) {
    lines.push('Notes:');
    lines.push('');
    for (const n of r.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  if (r.error) {
    lines.push(`The run failed: \`${String(r.error).split('\n')[0]}\``);
    lines.push('');
  }
  return lines.join('\n');
}

/** The report's rows for the phase. */
function securityRows(sec) {
  if (!sec) return [];
  const rows = [];
  const off = sec.runs.off;
  rows.push(`| 7 | record protection off: central ingest (${num(sec.messages)} readings, ${num(sec.cps)} CPs) / auth round trip p50 / p99 | ${num(off.ingest.perSecond)} msg/s / ${lat(off.authRoundTripMs)} | reference |`);
  for (const p of ['sign', 'encrypt']) {
    const r = sec.runs[p];
    if (!r) continue;
    rows.push(`| 7 | records ${p}: ingest (${r.valueBytes} B sealed) as a ratio to off | ${f(r.ingestRatio, '', 2)} (${num(r.ingest.perSecond)} msg/s, ${r.refused} refused) | ≥ ${sec.goals.ingestRatio}${mark(r.ingestRatio >= sec.goals.ingestRatio && r.refused === 0)} |`);
    rows.push(`| 7 | records ${p}: auth round trip p50 / p99, and p99 minus off's | ${lat(r.authRoundTripMs)}; ${f(r.authP99DeltaMs, ' ms', 2)} | ≤ ${sec.goals.authP99DeltaMs} ms${mark(r.authP99DeltaMs !== null && r.authP99DeltaMs <= sec.goals.authP99DeltaMs)} |`);
  }
  return rows;
}

/** The OCPP gateway's rows (bench/ocpp.mjs). */
function ocppRows(o) {
  if (!o) return [];
  const notAccepted = Object.values(o.stationsNotAccepted ?? {}).reduce((a, b) => a + b, 0);
  const failedCalls = Object.entries(o.callsFailed ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    `| 8 | OCPP: stations connected to one gateway / Accepted at boot / charging (ramp 50 at a time, ${f(o.rampSeconds, ' s')}) | ${num(o.stationsConnected)} / ${num(o.stationsAccepted)} / ${num(o.charging)} of ${num(o.stations)} | all${mark(o.stationsAccepted === o.stations)} |`,
    `| 8 | OCPP gateway over ${f(o.windowSeconds, ' s', 0)} steady: CPU (share of one core, mean / p90; kernel) | ${pct(o.gatewayCpuShare)} / ${pct(o.gatewayCpuShareP90)}; kernel ${pct(o.gatewaySysShare)} | |`,
    `| 8 | … gateway RSS (max) | ${f(o.gatewayRssMaxMb, ' MB')} | |`,
    `| 8 | … MeterValues / Heartbeats actually sent (every ${o.meterIntervalS} s while charging / every ${o.heartbeatIntervalS} s) | ${f(o.meterValuesPerSecond, '/s')} / ${f(o.heartbeatsPerSecond, '/s')} (stations' process CPU ${pct(o.stationsProcessCpuShare)}; central CPU ${pct(o.centralCpuShare)}) | |`,
    `| 8 | RemoteStart round trip: driver's request → driver told supply-started (p50 / p99; ${o.roundTripDrivers} stdin-fed drivers, a stop after each) | ${lat(o.driverToldMs)}${o.warmupMs?.length ? `; each driver's first (not counted): ${o.warmupMs.map((v) => `${v} ms`).join(', ')}` : ''} | |`,
    `| 8 | … request → station's StartTransaction answered / → both done (p50 / p99) | ${lat(o.startTransactionMs)} / ${lat(o.roundTripMs)} | |`,
    `| 8 | … errors: not Accepted / connect failed / failed calls / round trips failed / gateway call-failed | ${notAccepted} / ${o.connectFailed} / ${failedCalls} / ${o.failures?.length ?? 0} / ${o.gatewayFailures} | none${mark(notAccepted + o.connectFailed + (o.failures?.length ?? 0) + o.gatewayFailures === 0 && failedCalls === 'none')} |`,
  ];
}
