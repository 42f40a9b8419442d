// Opens root sessions to a running lab's databases for the length of one piece of work (the replication step,
// `status`, the smoke checks), through the forwarder, and always closes both afterwards.
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { StepError } from '../errors.js';
import { LABEL } from '../topology/labels.js';
import type { Flavour } from '../topology/types.js';
import type { Runtime } from '../runtime/docker.js';
import { openForward } from '../runtime/forward.js';
import { closeAll, connectAll, type Connections } from '../replication/apply.js';

/** The newest forwarder image infra built, for commands that run without a lab model (status). */
export async function forwardImage(runtime: Runtime): Promise<string> {
  const images = await runtime.docker.listImages({ filters: { label: [`${LABEL.image}=forward`] } });
  const newest = images.sort((a, b) => b.Created - a.Created)[0];
  const tag = newest?.RepoTags?.find((t) => t !== '<none>:<none>');
  if (!tag) throw new StepError('the database forwarder image is missing; run `infra images build` or `infra up`');
  return tag;
}

export async function withDatabases<T>(
  runtime: Runtime,
  options: {
    lab: string;
    network: string;
    image: string;
    servers: string[];
    rootPassword: string;
    /** How long to keep retrying a database that refuses connections (it may be starting). */
    connectDeadlineMs?: number;
  },
  fn: (connections: Connections) => Promise<T>,
): Promise<T> {
  const forward = await openForward(runtime.docker, options);
  let connections: Connections = {};
  try {
    connections = await connectAll(forward.ports, options.rootPassword, options.connectDeadlineMs);
    return await fn(connections);
  } finally {
    await closeAll(connections);
    await forward.close();
  }
}

export async function flavourOf(connection: Connection): Promise<Flavour> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS v');
  return /mariadb/i.test(String(rows[0]?.v)) ? 'mariadb' : 'mysql';
}
