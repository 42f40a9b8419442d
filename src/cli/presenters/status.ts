// `infra status`'s output: the lab, its servers and components, HAProxy's view, the floating address and
// replication, in words or as JSON; exit 1 when anything is not healthy.
import { EXIT } from '../../errors.js';
import { painter, type Io } from '../../log.js';
import type { FloatingAddress } from '../../ops/floating-address.js';
import { isReady } from '../../runtime/port.js';
import { containerName, nameFlag, projectOf } from '../../topology/types.js';
import { describeInfra, THIS_INFRA } from '../../version.js';
import type { LabStatus } from '../../app/status.js';

export function presentStatus(io: Io, status: LabStatus, options: { json: boolean }): number {
  if (options.json) {
    io.stdout.write(JSON.stringify(status, null, 2) + '\n');
  } else {
    printStatus(io, status);
  }
  return status.healthy ? EXIT.ok : EXIT.failed;
}

function printStatus(io: Io, status: LabStatus): void {
  const paint = painter(io.stdout, io.env);
  if (status.servers.length === 0) {
    io.stdout.write(
      `lab "${status.lab}" is not running (no containers). Start it with \`infra up${nameFlag(status.lab)}\`.\n`,
    );
    return;
  }
  io.stdout.write(`lab "${status.lab}"  ${status.healthy ? paint('green', 'healthy') : paint('red', 'NOT healthy')}\n`);
  io.stdout.write(`  url     ${status.url ?? '(LB not running)'}\n`);
  if (status.monitoring) {
    io.stdout.write(`  page    ${status.monitoring.page_url}   (Prometheus: ${status.monitoring.prometheus_url})\n`);
  }
  if (status.tls) {
    io.stdout.write(`          (plain HTTP ${status.urls.http} redirects; trust ${status.tls.ca_file} for HTTPS)\n`);
  }
  io.stdout.write(`  folder  ${status.dir ?? '(unknown)'}\n`);
  io.stdout.write(`  infra   ${madeByLine(status)}\n`);
  if (status.expires_at) io.stdout.write(`  expires ${status.expires_at} (\`infra reap\` removes it after that)\n`);
  for (const fault of status.faults) {
    io.stdout.write(
      `  ${paint('yellow', 'fault')}   ${fault.id}: ${fault.what} (since ${fault.made_at}; ` +
        `\`infra heal ${fault.id}${nameFlag(status.lab)}\` undoes it)\n`,
    );
  }
  io.stdout.write('\n');
  // Columns as wide as the longest name: an exporter's (lb-01-node-exporter) would push its row out of line.
  const nameWidth = Math.max(16, ...status.servers.flatMap((s) => s.components.map((c) => c.name.length)));
  for (const server of status.servers) {
    io.stdout.write(`${server.name.padEnd(10)} ${server.state}\n`);
    for (const c of server.components) {
      const ok = isReady(c) && c.network === 'ok';
      const mark = ok ? paint('green', '✓') : paint('red', '✗');
      const net =
        c.network === 'stale'
          ? paint(
              'red',
              `  cut off: its server restarted after it; run \`infra up${nameFlag(status.lab)}\` to reattach`,
            )
          : '';
      io.stdout.write(`  ${mark} ${c.name.padEnd(nameWidth)} ${c.state.padEnd(9)} ${c.health}${net}\n`);
    }
  }
  const floating = status.floating_address;
  if (floating) io.stdout.write(`\n${floatingAddressLine(status.lab, floating, paint)}\n`);
  if (status.load_balancer) {
    const states = Object.entries(status.load_balancer).map(
      ([server, state]) => `${server} ${state === 'UP' ? paint('green', state) : paint('red', state)}`,
    );
    io.stdout.write(`\nload balancer sees: ${states.join(', ')}\n`);
  }
  const replication = status.replication;
  if (!replication) return;
  io.stdout.write('\nreplication (GTID)\n');
  if (replication.error) {
    io.stdout.write(`  ${paint('red', '✗')} cannot read it: ${replication.error}\n`);
    return;
  }
  const primary = replication.primary;
  io.stdout.write(
    primary?.unreachable
      ? `  ${paint('red', '✗')} primary  ${primary.server}  infra cannot reach its database: ${primary.unreachable}\n`
      : `  primary  ${primary?.server}  at ${primary?.gtid_position ?? '(no transactions yet)'}\n`,
  );
  for (const r of replication.replicas) {
    const ok = r.io_running === 'Yes' && r.sql_running === 'Yes' && !r.behind;
    io.stdout.write(
      `  ${ok ? paint('green', '✓') : paint('red', '✗')} replica ${r.server}  IO ${r.io_running}, SQL ${r.sql_running}, ` +
        `lag ${r.lag_seconds ?? '-'} s, at ${r.gtid_executed ?? '-'}${writability(r)}\n`,
    );
    if (r.last_error) io.stdout.write(`      last error: ${r.last_error}\n`);
    if (r.consistent === false) io.stdout.write(`      ${paint('red', 'differs')}: ${r.differences?.join('; ')}\n`);
    if (r.consistent && r.compared) {
      const { database, tables, rows } = r.compared;
      io.stdout.write(
        `      ${paint('green', 'same data')} as the primary: ${tables} table(s) of ${database}, ${rows} row(s), compared by checksum\n`,
      );
    }
    if (r.behind)
      io.stdout.write(`      ${paint('red', 'behind')}: ${r.behind} transaction(s) of the primary not applied\n`);
    if (r.errant) io.stdout.write(`      ${paint('red', 'errant')}: ${r.errant} (written on ${r.server} itself)\n`);
    if (r.advice) io.stdout.write(`      fix: ${r.advice}\n`);
  }
}

/** What status read of a replica's read-only setting; nothing when it could not read the replica at all. */
function writability(replica: NonNullable<LabStatus['replication']>['replicas'][number]): string {
  if (replica.down) return ', database down';
  if (replica.io_running === 'unknown') return '';
  return replica.read_only ? ', read-only' : ', WRITABLE';
}

/** Which infra made the lab, and whether `up` would upgrade it. */
function madeByLine(status: LabStatus): string {
  const { version, commit, upgrade_pending } = status.infra;
  const made = version ? `made by ${describeInfra({ version, commit: commit ?? undefined })}` : 'made before 0.2.0';
  return upgrade_pending
    ? `${made}; \`infra up${nameFlag(status.lab)}\` upgrades it to ${describeInfra(THIS_INFRA)}`
    : made;
}

function floatingAddressLine(lab: string, floating: FloatingAddress, paint: ReturnType<typeof painter>): string {
  if (floating.holder) {
    return `floating address ${floating.address} on ${floating.holder} (the edge relays the published ports to it)`;
  }
  if (floating.holders.length > 1) {
    const [first, second] = floating.holders;
    return (
      `${paint('red', '✗')} split brain: ${floating.holders.join(' and ')} both hold ${floating.address}. They do not hear ` +
      `each other's VRRP adverts (IP protocol 112), so each thinks it is alone, and visitors reach whichever answered ` +
      `ARP last.\n  Look at what drops the adverts between them: \`docker exec ${containerName({ project: projectOf(lab) }, second)} nft list ruleset\` ` +
      `(and on ${first}); \`infra up${nameFlag(lab)}\` loads the rendered firewalls again`
    );
  }
  return `${paint('red', '✗')} floating address held by no load balancer: the published ports answer nothing; start one with \`infra recover <lb>${nameFlag(lab)}\``;
}
