// Labs that clean up after themselves. `infra reap` removes every lab whose lease (`up --ttl`) has expired, and
// `infra reset --older-than` every lab without one that is older than asked: containers, networks, the forwarder
// and volumes. Safe from cron on a shared machine: a lab that an `up` is changing right now (its lock is held) is
// never touched, and labs are found by label, never by folder.
import { lockHolder } from './lab-lock.js';
import type { AppEnv } from './context.js';
import type { ComponentState, Removed } from '../runtime/port.js';

export interface ReapChoice {
  lab: string;
  /** Why it is removed: its expiry, or its age. */
  reason: string;
  /** What was removed; absent on a dry run or when skipped. */
  removed?: Removed;
  /** Why it was left alone, when it was. */
  skipped?: string;
}

export type ReapRule = { expired: true } | { olderThanMs: number };

/** The labs a rule picks on this engine, oldest first. */
export function pickLabs(
  containers: ComponentState[],
  labs: string[],
  rule: ReapRule,
  now: number,
): { lab: string; reason: string; dir?: string }[] {
  const picked: { lab: string; reason: string; dir?: string; at: number }[] = [];
  for (const lab of labs) {
    const mine = containers.filter((c) => c.lab === lab);
    const lease = mine.find((c) => c.component === 'lease');
    const dir = lease?.workingDir ?? mine.find((c) => c.workingDir)?.workingDir;
    if ('expired' in rule) {
      const expires = lease?.expiresAt ? Date.parse(lease.expiresAt) : NaN;
      if (expires <= now) picked.push({ lab, dir, at: expires, reason: `expired at ${lease!.expiresAt}` });
    } else if (!lease) {
      const created = Math.min(...mine.map((c) => Date.parse(c.createdAt)).filter(Number.isFinite));
      if (Number.isFinite(created) && now - created > rule.olderThanMs) {
        picked.push({ lab, dir, at: created, reason: `created ${new Date(created).toISOString()}` });
      }
    }
  }
  return picked.sort((a, b) => a.at - b.at).map(({ lab, reason, dir }) => ({ lab, reason, dir }));
}

export async function reapLabs(env: AppEnv, rule: ReapRule, options: { dryRun: boolean }): Promise<ReapChoice[]> {
  const runtime = await env.connect();
  const [containers, labs] = await Promise.all([runtime.containers(), runtime.labNames()]);
  const choices: ReapChoice[] = [];
  for (const { lab, reason, dir } of pickLabs(containers, labs, rule, env.clock.now())) {
    const holder = dir ? await lockHolder(dir) : undefined;
    if (holder) {
      choices.push({
        lab,
        reason,
        skipped: `being changed by \`${holder.command}\` (pid ${holder.pid}) since ${holder.since}`,
      });
    } else if (options.dryRun) {
      choices.push({ lab, reason });
    } else {
      choices.push({ lab, reason, removed: (await runtime.removeLab(lab, { volumes: true })).removed });
    }
  }
  return choices;
}
