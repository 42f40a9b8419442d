// `infra status --inventory`'s output: each server's services, HAProxy's view, the floating address and the
// replicas, in words or as JSON; exit 0 when all of it is healthy, 1 otherwise.
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import type { ServersStatus } from '../../app/server-status.js';

export function presentServerStatus(io: Io, status: ServersStatus, options: { json: boolean }): number {
  if (options.json) {
    const { healthy, lab, url, servers, backends, replicas, floating } = status;
    const replication = replicas instanceof Error ? { error: replicas.message } : { replicas };
    const pair = floating ? { floating_address: { address: floating.address, holders: floating.holders } } : {};
    const body = { healthy, lab, url, servers, backends, replication, ...pair };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    printStatus(io, status);
  }
  return status.healthy ? EXIT.ok : EXIT.failed;
}

function printStatus(io: Io, { lab, url, servers, backends, replicas, healthy, floating }: ServersStatus): void {
  const lines = [`lab "${lab}" on its servers: ${healthy ? 'healthy' : 'NOT healthy'}  ${url}`];
  for (const [name, state] of Object.entries(servers)) {
    const services = Object.entries(state.services)
      .map(([s, x]) => `${s} ${x}`)
      .join(', ');
    const backend = backends[name] ? `  (HAProxy: ${backends[name]})` : '';
    lines.push(`  ${name.padEnd(8)} ${state.reachable ? services : `unreachable: ${state.error}`}${backend}`);
  }
  if (floating) {
    const held =
      floating.holders.length === 1
        ? `on ${floating.holders[0]}`
        : `held by ${floating.holders.join(' and ') || 'nobody'}`;
    lines.push(`  floating address ${floating.address} ${held}`);
  }
  if (replicas instanceof Error) {
    lines.push(`  replication: cannot read it: ${replicas.message}`);
  } else {
    for (const [name, r] of Object.entries(replicas)) {
      const lag = r.lag_seconds === null ? '' : `, ${r.lag_seconds} s behind`;
      const error = r.last_error ? `: ${r.last_error}` : '';
      lines.push(`  ${name} replica of ${r.source_host}: IO ${r.io_running}, SQL ${r.sql_running}${lag}${error}`);
    }
  }
  io.stdout.write(lines.join('\n') + '\n');
}
