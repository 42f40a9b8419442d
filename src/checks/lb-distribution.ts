// Check lb-distribution: over N requests the LB spreads traffic as the lab's algorithm and mode say.
import { webServers, type Lab } from '../topology/types.js';
import { CheckFailure, request, type Check } from './check.js';

export const DISTRIBUTION_REQUESTS = 8;

/** What the sequence of serving web servers must look like; undefined when it is right, else why not. */
export function judgeDistribution(lab: Lab, seen: string[]): string | undefined {
  const web = webServers(lab);
  const active = web.filter((s) => !s.backup).map((s) => s.name);
  const first = web[0].name;
  const distinct = [...new Set(seen)];
  if (lab.mode === 'active-passive' || lab.balance === 'first') {
    return distinct.length === 1 && distinct[0] === first ? undefined : `expected every request on ${first}`;
  }
  if (lab.balance === 'source') {
    return distinct.length === 1 ? undefined : 'expected one client address to stay on one server';
  }
  if (active.some((s) => !seen.includes(s)))
    return `expected every active server (${active.join(', ')}) to take requests`;
  if (lab.balance === 'roundrobin') {
    // In turn: every window of |active| consecutive requests hits each active server once.
    for (let i = 0; i + active.length <= seen.length; i++) {
      if (new Set(seen.slice(i, i + active.length)).size !== active.length)
        return `expected ${active.join(', ')} in turn`;
    }
  }
  return undefined;
}

export const lbDistribution: Check = {
  name: 'lb-distribution',
  guards: 'the LB spreads requests as its balance algorithm and mode say',
  async run({ lab, url }) {
    const seen: string[] = [];
    for (let i = 0; i < DISTRIBUTION_REQUESTS; i++) {
      const answer = await request(`${url}/`);
      seen.push(answer.status === 200 ? (answer.servedBy ?? '?') : `HTTP ${answer.status}`);
    }
    const what = `${lab.balance}, ${lab.mode}: ${seen.join(' ')}`;
    const problem = judgeDistribution(lab, seen);
    if (problem) throw new CheckFailure(`${problem}; saw ${what}`);
    return what;
  },
};
