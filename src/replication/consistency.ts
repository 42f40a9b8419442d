// Silent drift: a row changed on a replica without going through replication (root, `sql_log_bin=0`) leaves both
// threads running and every other check green. This compares the lab's tables on the primary and each replica the
// way pt-table-checksum does: per table, in primary-key chunks, a row count and a BIT_XOR of each row's CRC32,
// taken once the replica has applied the primary's GTID position. A chunk that differs is read again after the
// replica catches up once more, so a write landing between the two reads is not reported as drift.
import type { DbSession } from '../database/session.js';
import { appliedWithin, gtidPosition } from './gtid.js';
import type { DatabaseFlavour } from '../flavours/flavour.js';

/** Rows per chunk: small enough that one chunk's checksum never holds a table for long. */
export const CHUNK_ROWS = 1000;
const ATTEMPTS = 3;
const CATCH_UP_SECONDS = 10;

interface TableShape {
  name: string;
  columns: string[];
  /** A single integer primary key to chunk by, or undefined (the table is one chunk). */
  key?: string;
}

export interface ConsistencyReport {
  consistent: boolean;
  /** `footer.visits rows 1-1000: 998 rows / 998 rows, checksums differ`, one per differing chunk. */
  differences: string[];
  /** What was compared: the database's tables, and the rows found the same on both (a differing chunk is listed). */
  compared: { database: string; tables: number; rows: number };
}

const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

async function shapes(session: DbSession, database: string): Promise<TableShape[]> {
  const tables = await session.query(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [database],
  );
  const result: TableShape[] = [];
  for (const { t } of tables) {
    const name = String(t);
    const columns = await session.query(
      'SELECT COLUMN_NAME AS c, DATA_TYPE AS type, COLUMN_KEY AS k FROM information_schema.COLUMNS ' +
        'WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, name],
    );
    const keys = columns.filter((c) => c.k === 'PRI');
    const integer = keys.length === 1 && /int$/i.test(String(keys[0].type));
    result.push({ name, columns: columns.map((c) => String(c.c)), key: integer ? String(keys[0].c) : undefined });
  }
  return result;
}

function checksumSql(database: string, table: TableShape, bounded: boolean): string {
  // Each column and whether it is NULL: CONCAT_WS skips NULLs, so NULL and '' would otherwise hash alike.
  const row = `CONCAT_WS('#', ${table.columns.map(ident).join(', ')}, CONCAT(${table.columns.map((c) => `ISNULL(${ident(c)})`).join(', ')}))`;
  const where = bounded && table.key ? ` WHERE ${ident(table.key)} BETWEEN ? AND ?` : '';
  return `SELECT COUNT(*) AS n, COALESCE(BIT_XOR(CRC32(${row})), 0) AS crc FROM ${ident(database)}.${ident(table.name)}${where}`;
}

async function chunkSum(session: DbSession, sql: string, params: unknown[]): Promise<string> {
  const [row] = await session.query(sql, params);
  return `${row?.n ?? 0} rows/${row?.crc ?? 0}`;
}

/** Waits until the replica has applied everything the primary has now; false when it did not within the time. */
async function catchUp(primary: DbSession, replica: DbSession, flavour: DatabaseFlavour): Promise<boolean> {
  return appliedWithin(replica, flavour, await gtidPosition(primary, flavour), CATCH_UP_SECONDS);
}

export async function compareTables(
  primary: DbSession,
  replica: DbSession,
  flavour: DatabaseFlavour,
  database: string,
): Promise<ConsistencyReport> {
  if (!(await catchUp(primary, replica, flavour))) {
    return {
      consistent: false,
      differences: [`the replica did not catch up within ${CATCH_UP_SECONDS} s`],
      compared: { database, tables: 0, rows: 0 },
    };
  }
  const differences: string[] = [];
  const compared = { database, tables: 0, rows: 0 };
  for (const table of await shapes(primary, database)) {
    compared.tables += 1;
    const chunks: [number, number][] = [];
    if (table.key) {
      const [range] = await primary.query(
        `SELECT MIN(${ident(table.key)}) AS lo, MAX(${ident(table.key)}) AS hi FROM ${ident(database)}.${ident(table.name)}`,
      );
      // The replica may hold rows beyond the primary's range (inserted there): the last chunk is open-ended.
      const lo = Number(range?.lo ?? 0);
      const hi = Number(range?.hi ?? 0);
      for (let from = lo; from <= hi; from += CHUNK_ROWS) chunks.push([from, from + CHUNK_ROWS - 1]);
      if (chunks.length === 0) chunks.push([0, 0]);
      chunks[0][0] = Number.MIN_SAFE_INTEGER;
      chunks[chunks.length - 1][1] = Number.MAX_SAFE_INTEGER;
    }
    const sql = checksumSql(database, table, chunks.length > 0);
    for (const chunk of chunks.length > 0 ? chunks : [undefined]) {
      const params = chunk ?? [];
      let seen = '';
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const [a, b] = [await chunkSum(primary, sql, params), await chunkSum(replica, sql, params)];
        if (a === b) {
          compared.rows += parseInt(a, 10);
          seen = '';
          break;
        }
        seen = `primary ${a}, replica ${b}`;
        if (attempt < ATTEMPTS) await catchUp(primary, replica, flavour);
      }
      if (seen) {
        const where = chunk && table.key ? ` (${table.key} ${describeRange(chunk)})` : '';
        differences.push(`${database}.${table.name}${where}: ${seen}`);
      }
    }
  }
  return { consistent: differences.length === 0, differences, compared };
}

function describeRange([from, to]: [number, number]): string {
  const lo = from === Number.MIN_SAFE_INTEGER ? 'up' : `${from}`;
  const hi = to === Number.MAX_SAFE_INTEGER ? 'on' : `${to}`;
  return lo === 'up' && hi === 'on' ? 'all' : lo === 'up' ? `up to ${hi}` : hi === 'on' ? `${lo} on` : `${lo}-${hi}`;
}
