// Words the facts of `infra explain` for a terminal: one section per topic, or a one-screen overview.
import { TOPICS, type LabFacts, type Topic } from './facts.js';

type Section = (f: LabFacts) => string[];

const SECTIONS: Record<Topic, Section> = {
  elements: (f) =>
    f.elements.flatMap((e) => [`${e.server}: ${e.why}`, ...e.components.map((c) => `  ${c.name}: ${c.why}`)]),
  algorithm: (f) => [
    `balance ${f.algorithm.balance}: ${f.algorithm.how}.`,
    ...(f.algorithm.observed
      ? [`observed over ${f.algorithm.observed.length} requests just now: ${f.algorithm.observed.join(' → ')}`]
      : []),
    ...(f.algorithm.measured ? [f.algorithm.measured] : []),
  ],
  mode: (f) => [
    `this lab is ${f.mode.mode}: ` +
      (f.mode.backup.length
        ? `${f.mode.active.join(', ')} takes all traffic; ${f.mode.backup.join(', ')} ${f.mode.backup.length > 1 ? 'are backups' : 'is a backup'}, used only while ${f.mode.active.join(' and ')} ${f.mode.active.length > 1 ? 'are' : 'is'} down.`
        : `${f.mode.active.join(' and ')} take traffic at the same time.`),
    f.mode.difference,
    `to switch: ${f.mode.switch}.`,
  ],
  replication: (f) => [
    `${f.replication.flavour}: primary on ${f.replication.primary}, replica(s) on ${f.replication.replicas.join(', ') || 'none'}.`,
    f.replication.how,
    ...f.replication.application.map((a) => `  ${a.server}'s app reads from ${a.reads_from}, writes to ${a.writes_to}`),
    ...liveReplication(f),
  ],
  spof: (f) => [
    ...f.spof.filter((s) => s.scope === 'design').map((s) => `${s.element}: ${s.why}; ${s.consequence}.`),
    'and only because this lab runs on one machine:',
    ...f.spof.filter((s) => s.scope === 'lab').map((s) => `  ${s.element}: ${s.why}; ${s.consequence}.`),
  ],
  security: (f) => [
    ...f.security.map((s) => `${s.exposed ? '!' : '✓'} ${s.what}: ${s.consequence}.`),
    ...firewallTable(f),
  ],
  monitoring: (f) => [
    'watched today:',
    ...f.monitoring.watched.map((w) => `  ${w.what}: ${w.how}`),
    ...(f.monitoring.stats_url ? [`  stats page: ${f.monitoring.stats_url}`] : []),
    ...(f.monitoring.alerts.length
      ? [
          'alert rules (mon-01/alerts.yml):',
          ...f.monitoring.alerts.map((a) => `  ${a.name} (${a.severity}, after ${a.for}): ${a.when}; ${a.why}`),
        ]
      : []),
    'missing:',
    ...f.monitoring.missing.map((m) => `  ${m}`),
  ],
  faults: (f) => [
    'grey failures `infra fault` makes on this lab (`infra heal` undoes them):',
    ...f.faults.kinds.flatMap((k) => [
      `${k.kind}: ${k.models}.`,
      `  try:       ${k.example}`,
      ...k.noticed_by.map((n, i) => `  ${i === 0 ? 'notice it:' : '          '} ${n}`),
    ]),
    f.faults.active.length
      ? `active now: ${f.faults.active.map((a) => `${a.id} (${a.what}, since ${a.made_at})`).join('; ')}`
      : 'active now: none',
  ],
};

/** Who may reach what, one row per allowed port; everything not listed is refused. */
function firewallTable(f: LabFacts): string[] {
  if (f.firewall.length === 0) return [];
  const rows = [
    ['server', 'port', 'service', 'accepts from'],
    ...f.firewall.map((r) => [r.server, String(r.port), r.service, r.from.join(', ')]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [
    '',
    'firewall (every other inbound connection is refused; loopback and replies always pass):',
    ...rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`),
  ];
}

function liveReplication(f: LabFacts): string[] {
  const live = f.replication.live;
  if (!live) return [];
  if (live.error) return [`live: cannot read it (${live.error})`];
  return [
    `live: primary ${live.primary?.server} at ${live.primary?.gtid_position ?? '(empty)'}`,
    ...live.replicas.map(
      (r) =>
        `live: ${r.server} IO ${r.io_running}, SQL ${r.sql_running}, lag ${r.lag_seconds ?? '-'} s${r.last_error ? `, error: ${r.last_error}` : ''}`,
    ),
  ];
}

export function topicText(facts: LabFacts, topic: Topic): string {
  return SECTIONS[topic](facts).join('\n') + '\n';
}

/** Everything on one screen: the first line or two of each topic. */
export function overviewText(facts: LabFacts): string {
  const first = (topic: Topic, lines = 1) => SECTIONS[topic](facts).slice(0, lines);
  const out = [
    `lab "${facts.lab}"${facts.running ? ' (running)' : ' (not running: live facts appear once it is up)'}`,
    '',
    `elements     ${facts.elements.map((e) => `${e.server} (${e.components.map((c) => c.kind).join(', ')})`).join('; ')}`,
    `algorithm    ${first('algorithm', 2).join('\n             ')}`,
    `mode         ${first('mode')[0]}`,
    `replication  ${first('replication')[0]}`,
    `spof         ${facts.spof.map((s) => s.element).join('; ')}`,
    `security     exposed: ${facts.security.filter((s) => s.exposed).length}, narrowed: ${facts.security
      .filter((s) => !s.exposed)
      .map((s) => s.what)
      .join('; ')}`,
    `monitoring   ${facts.monitoring.watched.length} things watched, ${facts.monitoring.alerts.length} alert rules, ${facts.monitoring.missing.length} missing${facts.monitoring.alerts.length ? '' : ' (no metrics history, no alerting)'}`,
    '',
    `faults       ${facts.faults.kinds.length} kinds of grey failure to make (infra fault); active: ${facts.faults.active.map((a) => a.id).join(', ') || 'none'}`,
    '',
    `more: infra explain <${TOPICS.join('|')}> [--json]`,
  ];
  return out.join('\n') + '\n';
}
