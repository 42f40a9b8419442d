// Runs the smoke checks in order, each timed, each ending passed, failed (with what it saw) or skipped. A check
// that crashes is a failure with its error, never a crash of the suite.
import { appPath } from './app-path.js';
import {
  CheckFailure,
  CheckSkipped,
  type Check,
  type CheckContext,
  type CheckResult,
  type PortableCheckContext,
} from './check.js';
import { consistency } from './consistency.js';
import { exposure } from './exposure.js';
import { failover } from './failover.js';
import { firewallCheck } from './firewall.js';
import { tlsCheck } from './tls.js';
import { monitoringCheck } from './monitoring.js';
import { lbDistribution } from './lb-distribution.js';
import { lbServes } from './lb-serves.js';
import { lbFailover } from './lb-failover.js';
import { lbPair } from './lb-pair.js';
import { replicationCheck } from './replication.js';
import { underLoad } from './under-load.js';

/** The failovers run last: they stop web-01 (and its primary database), then the active LB, for a few seconds. */
export const CHECKS: Check[] = [
  lbServes,
  lbDistribution,
  appPath,
  replicationCheck,
  consistency,
  underLoad,
  exposure,
  tlsCheck,
  firewallCheck,
  monitoringCheck,
  lbPair,
  failover,
  lbFailover,
];
export const CHECK_NAMES = CHECKS.map((c) => c.name);

/** The checks that prove a lab deployed on real servers; none stops a server (they may serve real users). */
export const PORTABLE_CHECKS: Check<PortableCheckContext>[] = [
  lbServes,
  lbDistribution,
  appPath,
  replicationCheck,
  consistency,
];

export async function runChecks<C extends PortableCheckContext = CheckContext>(
  context: C,
  options: { skip: string[]; onResult?: (result: CheckResult) => void; checks?: Check<C>[] },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const checks = options.checks ?? (CHECKS as unknown as Check<C>[]);
  for (const check of checks.filter((c) => !c.appliesTo || c.appliesTo(context.lab))) {
    const started = performance.now();
    let result: Omit<CheckResult, 'duration_ms'>;
    if (options.skip.includes(check.name)) {
      result = { name: check.name, status: 'skipped', detail: 'skipped on request (--skip)' };
    } else {
      try {
        result = { name: check.name, status: 'passed', detail: await check.run(context) };
      } catch (error) {
        const status = error instanceof CheckSkipped ? 'skipped' : 'failed';
        const detail =
          error instanceof CheckFailure || error instanceof CheckSkipped
            ? error.message
            : `error: ${(error as Error).message}`;
        result = { name: check.name, status, detail };
      }
    }
    const full = { ...result, duration_ms: Math.round(performance.now() - started) };
    results.push(full);
    options.onResult?.(full);
  }
  return results;
}
