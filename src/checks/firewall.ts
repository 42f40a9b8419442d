// Check firewall (secured labs): every server's policy, proven from the network's side. From a throw-away container
// on the lab network (a visitor, no fixed address) and from each server to every other server, it opens a TCP
// connection to each port of the matrix: what the policy allows must connect, everything else must not.
import { planImages } from '../render/images.js';
import {
  allowed,
  describeSource,
  firewallPolicy,
  probedPorts,
  type Source,
} from '../profiles/secured/firewall-policy.js';
import { containerName, labNetwork, type Lab } from '../topology/types.js';
import { CheckFailure, type Check, type CheckContext } from './check.js';

/** How one connection attempt ended: connected, refused (reset: nothing listens, or the firewall's reject), or
 * blocked (no answer, or an ICMP error). */
export type Reach = 'open' | 'refused' | 'blocked';

interface Probe {
  server: string;
  port: number;
}

const VISITOR = 'visitor';

/**
 * One bash script that tries every probe at once (1 s each) and prints `<server> <port> <reach>` per line. bash's
 * /dev/tcp is in every image here; the lab's firewalls answer with a reset (refused), a drop shows as a timeout.
 */
export function probeScript(probes: Probe[], seconds = 1): string {
  const one = (p: Probe) =>
    `( if err=$(timeout ${seconds} bash -c 'exec 3<>/dev/tcp/${p.server}/${p.port}' 2>&1); then r=open; ` +
    `elif [[ $err == *refused* ]]; then r=refused; else r=blocked; fi; echo "${p.server} ${p.port} $r" ) &`;
  return [...probes.map(one), 'wait'].join('\n');
}

export function parseProbeOutput(stdout: string): Map<string, Reach> {
  const seen = new Map<string, Reach>();
  for (const line of stdout.split('\n')) {
    const [server, port, reach] = line.trim().split(' ');
    if (reach === 'open' || reach === 'refused' || reach === 'blocked') seen.set(`${server}:${port}`, reach);
  }
  return seen;
}

export interface Finding {
  from: string;
  to: string;
  port: number;
  reach: Reach;
  expected: 'open' | 'closed';
}

/** Compares what each vantage point saw with the policy: holes (open, not allowed) and blocks (allowed, not open). */
export function judge(lab: Lab, seen: Map<string, Map<string, Reach>>): { wrong: Finding[]; open: Finding[] } {
  const policy = firewallPolicy(lab);
  const wrong: Finding[] = [];
  const open: Finding[] = [];
  for (const [from, results] of seen) {
    const source: Source = from === VISITOR ? { kind: 'anywhere' } : { kind: 'server', name: from };
    for (const [target, reach] of results) {
      const [to, portText] = target.split(':');
      const port = Number(portText);
      const expected = allowed(policy, to, port, source) ? 'open' : 'closed';
      const finding = { from, to, port, reach, expected } as const;
      if (reach === 'open') open.push(finding);
      if ((expected === 'open') !== (reach === 'open')) wrong.push(finding);
    }
  }
  return { wrong, open };
}

function describeWrong(lab: Lab, f: Finding): string {
  const policy = firewallPolicy(lab)
    .find((p) => p.server === f.to)
    ?.allows.find((a) => a.port === f.port);
  const allowedFrom = policy ? policy.from.map(describeSource).join(', ') : 'nobody';
  return f.expected === 'closed'
    ? `hole: ${f.from} → ${f.to}:${f.port} is open, the policy allows ${allowedFrom}`
    : `blocked: ${f.from} → ${f.to}:${f.port} is ${f.reach}, the policy allows it`;
}

async function probeFrom(
  context: CheckContext,
  from: string,
  probes: Probe[],
  seconds = 1,
): Promise<Map<string, Reach>> {
  const { lab, runtime } = context;
  const script = probeScript(probes, seconds);
  const result =
    from === VISITOR
      ? await runtime.runProbe({
          lab: lab.name,
          network: labNetwork(lab.name),
          image: planImages(lab).refs.host,
          script,
        })
      : await runtime.exec(containerName(lab, from), ['bash', '-c', script]);
  const seen = parseProbeOutput(result.stdout);
  if (seen.size !== probes.length) {
    throw new CheckFailure(
      `the probe from ${from} did not run: ${(result.stderr || result.stdout).trim().slice(0, 200)}`,
    );
  }
  return seen;
}

export const firewallCheck: Check = {
  name: 'firewall',
  guards: "secured: from a visitor container and from each server, only the ports each server's policy allows connect",
  appliesTo: (lab) => lab.capabilities.firewalls,
  async run(context) {
    const { lab } = context;
    const ports = probedPorts(firewallPolicy(lab));
    const targets = (except?: string) =>
      lab.servers.filter((s) => s.name !== except).flatMap((s) => ports.map((port) => ({ server: s.name, port })));
    const vantages = [VISITOR, ...lab.servers.map((s) => s.name)];
    const seen = new Map(
      await Promise.all(vantages.map(async (from) => [from, await probeFrom(context, from, targets(from))] as const)),
    );
    let { wrong, open } = judge(lab, seen);
    // Every vantage probes every port at once, 1 s each: on a busy machine a slow answer looks like a drop. An
    // allowed connection seen blocked is tried again alone, with 3 s, before it counts; a real drop stays one.
    const slow = wrong.filter((f) => f.expected === 'open' && f.reach === 'blocked');
    for (const f of slow) {
      const again = await probeFrom(context, f.from, [{ server: f.to, port: f.port }], 3);
      seen.get(f.from)?.set(`${f.to}:${f.port}`, again.get(`${f.to}:${f.port}`) ?? 'blocked');
    }
    if (slow.length > 0) ({ wrong, open } = judge(lab, seen));
    if (wrong.length > 0) throw new CheckFailure(wrong.map((f) => describeWrong(lab, f)).join('; '));
    const tried = [...seen.values()].reduce((n, m) => n + m.size, 0);
    const matrix = vantages
      .map((from) => {
        const reached = open.filter((f) => f.from === from).map((f) => `${f.to}:${f.port}`);
        return `${from} → ${reached.length ? reached.join(', ') : 'nothing'}`;
      })
      .join('\n');
    // A line per vantage: on one line, a lab with every profile made ~1,400 characters of it.
    return `${tried} connections tried, only the allowed ones open:\n${matrix}`;
  },
};
