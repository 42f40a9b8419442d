// What `infra promote` says: the move as it begins, then where writes went and how long they waited, or JSON.
import { EXIT } from '../../errors.js';
import { formatDuration, type Io } from '../../log.js';
import { nameFlag } from '../../topology/types.js';
import type { PromoteOptions, Promoted } from '../../app/promote.js';
import type { PromoteOutcome } from '../../replication/promote.js';

/** The line before the databases are touched (not with --json). */
export function promoteBegins(io: Io, json: boolean): PromoteOptions['onBegin'] {
  if (json) return undefined;
  return ({ kind, from, to }) =>
    io.stderr.write(
      kind === 'switchover'
        ? `switchover: ${from} → ${to} (writes wait while ${to} catches up)\n`
        : `failover: ${to} becomes the primary; ${from} is down and is left out\n`,
    );
}

export function presentPromoted(
  io: Io,
  { lab, outcome }: Promoted,
  options: { json: boolean; server: string },
): number {
  if (!outcome) {
    io.stderr.write(`${options.server} is the primary already; nothing to do.\n`);
    return EXIT.ok;
  }
  if (options.json) io.stdout.write(JSON.stringify({ ok: true, lab, ...outcome }, null, 2) + '\n');
  else report(io, lab, outcome);
  return EXIT.ok;
}

function report(io: Io, lab: string, o: PromoteOutcome): void {
  const flag = nameFlag(lab);
  const lines = [
    `${o.to} is the primary (${o.kind} in ${formatDuration(o.total_ms)}), at GTID ${o.gtid_position}`,
    ...(o.write_pause_ms !== null
      ? [
          `  writes waited ${formatDuration(o.write_pause_ms)}: ${o.from} read-only → ${o.to} caught up in ` +
            `${formatDuration(o.catch_up_ms ?? 0)} → promoted and named to the apps (app/primary.json)`,
        ]
      : []),
    `  replicating from ${o.to}: ${o.replicas.join(', ') || '(no other database)'}`,
    ...o.left_out.map(
      (s) =>
        `  ${s} is left out: \`infra recover ${s}${flag}\` brings it back as a replica if it holds no write ${o.to} lacks`,
    ),
    `  see: infra status${flag} · back: infra promote ${o.from}${flag}${o.kind === 'failover' ? ' (once it has rejoined)' : ''}`,
  ];
  io.stderr.write(lines.join('\n') + '\n');
}
