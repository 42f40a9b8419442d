// `redundant` on real servers, read and driven over SSH: which load balancer lists the floating address, whether
// keepalived runs and HAProxy answers on each (so that either could hold it), and keepalived stopped or started on
// one for the handover check. A service is running when its init system says so, or, where its init script knows
// no `status` (Debian's keepalived without systemd), when a process of its name runs.
import type { HostVars } from '../runtime/ansible.js';
import { StepError } from '../errors.js';
import { sshRun } from '../runtime/ssh.js';

import type { LoadBalancerState } from '../ops/lb-pair.js';

/** A shell test that a service runs (see above): `sudo -n` never waits for a password. */
export const serviceRuns = (service: string): string =>
  `{ sudo -n service ${service} status >/dev/null 2>&1 || grep -qsx ${service} /proc/[0-9]*/comm; }`;

const holdsTest = (address: string) => `ip -4 -o addr show | grep -q ' inet ${address.replace(/\./g, '\\.')}/'`;

export async function loadBalancerStates(
  lbs: Record<string, HostVars>,
  address: string,
): Promise<Record<string, LoadBalancerState>> {
  const script = [
    `${holdsTest(address)} && echo holds`,
    `${serviceRuns('keepalived')} && echo keepalived`,
    // The check keepalived runs; absent before a deploy, which then reads as HAProxy not answering.
    '/usr/local/bin/haproxy-answers 2>/dev/null && echo haproxy',
    'true',
  ].join('; ');
  const read = await Promise.all(
    Object.entries(lbs).map(async ([lb, vars]) => {
      const words = (await sshRun(lb, vars, script)).split(/\s+/);
      const state: LoadBalancerState = {
        holds: words.includes('holds'),
        keepalived: words.includes('keepalived'),
        haproxyAnswers: words.includes('haproxy'),
      };
      return [lb, state] as const;
    }),
  );
  return Object.fromEntries(read);
}

/** The load balancers listing the address now (one SSH session each, in parallel). */
export async function floatingAddressHolders(lbs: Record<string, HostVars>, address: string): Promise<string[]> {
  const listed = await Promise.all(
    Object.entries(lbs).map(async ([lb, vars]) =>
      (await sshRun(lb, vars, `${holdsTest(address)} && echo holds; true`)).includes('holds') ? [lb] : [],
    ),
  );
  return listed.flat();
}

/**
 * Debian's init script (no systemd) returns from `stop` as soon as keepalived has its SIGTERM, while keepalived is
 * still letting go of the address; a `start` then finds it running and does nothing, and a moment later none runs
 * (issue #24: a handover that never gave the address back). So a stop waits until the process is gone, and a start
 * until one runs again, and says so when it does not.
 */
const KEEPALIVED_WAIT_S = 10;
/** The shell loop that waits for `test` to pass, a tenth of a second at a time; exit 3 when it never does. */
const waitUntil = (test: string) =>
  `i=0; until ${test}; do i=$((i+1)); [ $i -gt ${KEEPALIVED_WAIT_S * 10} ] && exit 3; sleep 0.1; done`;
const KEEPALIVED_SCRIPTS = {
  stop: `sudo -n service keepalived stop >/dev/null; ${waitUntil(`! ${serviceRuns('keepalived')}`)}`,
  start: `sudo -n service keepalived start >/dev/null; ${waitUntil(serviceRuns('keepalived'))}`,
};

/** Stops or starts keepalived on a load balancer (stopping it hands the address over at once; HAProxy keeps running). */
export async function setKeepalived(lb: string, vars: HostVars, action: 'stop' | 'start'): Promise<void> {
  try {
    await sshRun(lb, vars, KEEPALIVED_SCRIPTS[action]);
  } catch (error) {
    if (!(error instanceof StepError) || !/exit 3\)/.test(error.message)) throw error;
    throw new StepError(
      action === 'start'
        ? `keepalived is not running on ${lb} ${KEEPALIVED_WAIT_S} s after \`service keepalived start\`: the pair has no spare`
        : `keepalived still runs on ${lb} ${KEEPALIVED_WAIT_S} s after \`service keepalived stop\``,
      action === 'start'
        ? `Look at its log on ${lb} (journalctl -u keepalived, or syslog), then run infra deploy.`
        : '',
    );
  }
}
