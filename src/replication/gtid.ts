// A server's GTID position, and waiting until another server has applied one, in each flavour's own SQL: the one
// place the replication step, the consistency check, status and `infra promote` read or wait for a position.
import type { DbSession } from '../database/session.js';
import type { DatabaseFlavour } from '../flavours/flavour.js';

/** What the server has executed, in the flavour's GTID notation ('' when nothing yet). */
export async function gtidPosition(session: DbSession, flavour: DatabaseFlavour): Promise<string> {
  const rows = await session.query(flavour.gtid.position);
  return String(rows[0]?.pos ?? '');
}

/** Waits until the server has applied `position`; false when `seconds` passed first. */
export async function appliedWithin(
  session: DbSession,
  flavour: DatabaseFlavour,
  position: string,
  seconds: number,
): Promise<boolean> {
  const rows = await session.query(flavour.gtid.wait, [position, seconds]);
  return Number(rows[0]?.r) !== flavour.gtid.timedOut;
}
