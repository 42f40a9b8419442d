// The commands that make and undo a network fault inside one server's network namespace, as bash scripts run by a
// short-lived helper with NET_ADMIN joined to that namespace (the lab's own containers keep their capabilities).
// Pure, so the exact commands are unit-tested: nftables for drops (a table of the fault's own, removed whole by
// heal; the firewall's table, if any, is never touched), tc for rate, delay and corruption on every interface but lo.
import type { Fault } from './fault.js';

/** nftables table of one fault: `infra_fault_loss_web_02`. Its hooks run before the firewall's (priority -10 < 0). */
export function faultTable(fault: Pick<Fault, 'id'>): string {
  return `infra_fault_${fault.id.replace(/[^a-z0-9]/g, '_')}`;
}

/** Every interface of the namespace except loopback: the components of a server talk over lo, never faulted. */
const EACH_INTERFACE = `for dev in $(ls /sys/class/net); do [ "$dev" = lo ] && continue;`;

/** The script that makes `fault` on one server; `peers`: for a partition, the other side's addresses. */
export function applyScript(fault: Fault, peers: string[] = []): string {
  const table = faultTable(fault);
  switch (fault.kind) {
    case 'partition': {
      const set = `{ ${peers.join(', ')} }`;
      return nftTable(table, `iif "lo" accept\n    ip saddr ${set} drop`, `oif "lo" accept\n    ip daddr ${set} drop`);
    }
    case 'loss': {
      const drop = `numgen random mod 100 < ${fault.amount} drop`;
      return nftTable(table, `iif "lo" accept\n    ${drop}`, `oif "lo" accept\n    ${drop}`);
    }
    case 'rate':
      // A token bucket: burst one MTU-sized handful, queue at most 0.5 s before dropping (as a slow link does).
      return `set -e\n${EACH_INTERFACE} tc qdisc add dev "$dev" root tbf rate ${fault.amount}kbit burst 16kb latency 500ms; done\n`;
    case 'delay':
      return `set -e\n${EACH_INTERFACE} tc qdisc add dev "$dev" root netem delay ${fault.amount}ms${fault.jitter ? ` ${fault.jitter}ms` : ''}; done\n`;
    case 'corrupt':
      return `set -e\n${EACH_INTERFACE} tc qdisc add dev "$dev" root netem corrupt ${fault.amount}%; done\n`;
    case 'lag':
    case 'hang':
      throw new Error(`${fault.kind} is not a network fault`);
  }
}

/** The script that undoes `fault` on one server; it succeeds when the fault is already gone. */
export function removeScript(fault: Fault): string {
  if (fault.kind === 'partition' || fault.kind === 'loss') {
    return `nft delete table inet ${faultTable(fault)} 2>/dev/null || true\n`;
  }
  return `${EACH_INTERFACE} tc qdisc del dev "$dev" root 2>/dev/null || true; done\n`;
}

/**
 * Whether the kernel has netem (delay, corrupt): tried on the helper's own loopback, in a namespace of its own, so
 * nothing of the lab changes. Prints nothing and exits 0 when it has.
 */
export const NETEM_PROBE = 'tc qdisc add dev lo root netem delay 1ms\n';

/** The kernel option whose absence the probe finds. */
export const NETEM_OPTION = 'CONFIG_NET_SCH_NETEM';

function nftTable(table: string, input: string, output: string): string {
  return `nft -f - <<'EOF'
table inet ${table} {
  chain input {
    type filter hook input priority -10; policy accept;
    ${input}
  }
  chain output {
    type filter hook output priority -10; policy accept;
    ${output}
  }
}
EOF
`;
}
