// What `infra fail` and `infra recover` say: the server down (and how to watch it, bring it back), or back (in
// HAProxy's rotation for a web server; for a load balancer, where the floating address goes) and its replica rejoined.
import { EXIT } from '../../errors.js';
import { formatDuration, type Io } from '../../log.js';
import { nameFlag } from '../../topology/types.js';
import type { PowerResult } from '../../app/power.js';

export function presentPower(io: Io, result: PowerResult): number {
  const { lab, server } = result;
  const took = formatDuration(result.ms);
  if (result.action === 'fail') {
    io.stderr.write(
      `${server} is down (every component stopped, then the server) in ${took}.\n` +
        `  watch: infra status${nameFlag(lab)} · bring it back: infra recover ${server}${nameFlag(lab)}\n`,
    );
    return EXIT.ok;
  }
  // A web server is back in HAProxy's rotation; a load balancer is in none: keepalived gives the floating address
  // back to the preferred LB by priority, a moment later.
  io.stderr.write(
    result.components.includes('nginx')
      ? `${server} is back: healthy and in HAProxy's rotation after ${took}\n`
      : result.components.includes('keepalived')
        ? `${server} is back: healthy after ${took}; keepalived gives the floating address back by priority ` +
          `within seconds (\`infra status${nameFlag(lab)}\` shows which LB holds it)\n`
        : `${server} is back: healthy after ${took}\n`,
  );
  if (result.rejoined) io.stderr.write(`  ${result.rejoined}\n`);
  if (result.healed) io.stderr.write(`  healed with it: ${result.healed.join(', ')}\n`);
  return EXIT.ok;
}
