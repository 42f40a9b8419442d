// Use case `explain`: the lab's answers to the design's questions, from its model and, when it runs, from what the
// lab does right now (the distribution observed through the LB, the replication state).
import { UsageError } from '../errors.js';
import { renderedLabModel, resolveLabName, runningFolder, type LabTarget } from './lab-target.js';
import type { Lab } from '../topology/types.js';
import { labFacts, TOPICS, type LabFacts, type LiveFacts, type Topic } from '../explain/facts.js';
import { labEndpoint } from './lab-endpoint.js';
import { readLabState } from '../render/write-lab.js';
import { request } from '../checks/check.js';
import type { AppEnv } from './context.js';
import { readFaults } from '../ops/fault-record.js';
import { describeCompare, readLastCompare } from '../load/last-compare.js';

const OBSERVED_REQUESTS = 6;

async function liveFacts(env: AppEnv, lab: Lab): Promise<LiveFacts | undefined> {
  let runtime;
  try {
    runtime = await env.connect();
  } catch {
    return undefined; // no engine: the model alone still answers
  }
  const containers = await runtime.containers(lab.name);
  const lb = containers.find((c) => c.publishedPort && c.state === 'running');
  const dir = containers.find((c) => c.workingDir)?.workingDir;
  if (!lb || !dir) return undefined;
  const { url, ca } = await labEndpoint(lb, dir);
  const observed: string[] = [];
  for (let i = 0; i < OBSERVED_REQUESTS; i++) {
    const response = await request(`${url}/`, { ca, timeoutMs: 3000 }).catch(() => undefined);
    observed.push(response?.servedBy ?? (response ? `HTTP ${response.status}` : 'no answer'));
  }
  const { readReplicationState } = await import('./replication-status.js');
  const replication = await readReplicationState(runtime, env.openSession, lab.name, containers);
  const compare = await readLastCompare(dir);
  return {
    url,
    observed,
    replication,
    faults: await readFaults(dir),
    ...(compare ? { measured: describeCompare(compare) } : {}),
  };
}

/** What explain found: the lab's facts (live ones when it runs) and the topic asked, if any. */
export interface Explained {
  facts: LabFacts;
  topic?: Topic;
}

export async function explainLab(env: AppEnv, options: LabTarget & { topic?: string }): Promise<Explained> {
  if (options.topic !== undefined && !TOPICS.includes(options.topic as Topic)) {
    throw new UsageError(`unknown topic "${options.topic}"`, [
      `[topic]: one of ${TOPICS.join(', ')}, or none for an overview`,
    ]);
  }
  // A running lab answers with the model its folder was rendered from (its profiles), whatever infra.yaml says.
  const name = await resolveLabName(options);
  const folder = await env
    .connect()
    .then((runtime) => runningFolder(runtime, name))
    .catch(() => undefined);
  const lab = await renderedLabModel({ ...options, name }, folder);
  const state = folder ? await readLabState(folder) : undefined;
  const ports = state ? { http: state.hostPort, https: state.httpsPort } : undefined;
  return { facts: labFacts(lab, await liveFacts(env, lab), ports), topic: options.topic as Topic | undefined };
}
