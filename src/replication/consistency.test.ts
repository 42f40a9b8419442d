// compareTables over scripted sessions: chunking by primary key, drift reported by table and range, and a
// difference that a replica's catching up removes not reported at all.
import type { DbSession, Row } from '../database/session.js';
import { mariadb } from '../flavours/mariadb.js';
import { CHUNK_ROWS, compareTables } from './consistency.js';

/** A server with one table `t` (integer key `id`, ids 1..rows) whose chunk checksums come from `sum(from)`. */
function server(rows: number, sum: (from: number, call: number) => string, log: string[] = []): DbSession {
  let calls = 0;
  return {
    async query(sql, params = []) {
      if (sql.includes('information_schema.TABLES')) return [{ t: 't' }];
      if (sql.includes('information_schema.COLUMNS'))
        return [
          { c: 'id', type: 'int', k: 'PRI' },
          { c: 'v', type: 'text', k: '' },
        ];
      if (sql.includes(' AS lo, MAX(')) return [{ lo: 1, hi: rows }];
      if (sql.includes('BIT_XOR')) {
        log.push(`${params[0]}..${params[1]}`);
        const [n, crc] = sum(Number(params[0]), ++calls).split('/');
        return [{ n, crc }];
      }
      if (sql.includes('gtid_binlog_pos')) return [{ pos: '0-1-9' }];
      if (sql.includes('MASTER_GTID_WAIT')) return [{ r: 0 }];
      return [] as Row[];
    },
    end: async () => undefined,
  };
}

it('checksums a table in chunks of its primary key, the last chunk open-ended', async () => {
  const log: string[] = [];
  const same = () => '10/42';
  const report = await compareTables(server(2500, same, log), server(2500, same), mariadb, 'footer');
  // Three chunks of 10 rows each, as the scripted servers answer.
  expect(report).toEqual({ consistent: true, differences: [], compared: { database: 'footer', tables: 1, rows: 30 } });
  expect(log).toEqual([
    `${Number.MIN_SAFE_INTEGER}..${CHUNK_ROWS}`,
    `${CHUNK_ROWS + 1}..${2 * CHUNK_ROWS}`,
    `${2 * CHUNK_ROWS + 1}..${Number.MAX_SAFE_INTEGER}`,
  ]);
});

it('names the table and the key range that differ', async () => {
  const replica = server(2500, (from) => (from === CHUNK_ROWS + 1 ? '1000/7' : '10/42'));
  const report = await compareTables(
    server(2500, () => '10/42'),
    replica,
    mariadb,
    'footer',
  );
  expect(report).toEqual({
    consistent: false,
    differences: ['footer.t (id 1001-2000): primary 10 rows/42, replica 1000 rows/7'],
    compared: { database: 'footer', tables: 1, rows: 20 },
  });
});

it('does not report a chunk that matches once the replica has caught up (a write between the two reads)', async () => {
  const replica = server(10, (_from, call) => (call === 1 ? '9/1' : '10/42'));
  expect(
    await compareTables(
      server(10, () => '10/42'),
      replica,
      mariadb,
      'footer',
    ),
  ).toEqual({
    consistent: true,
    differences: [],
    compared: { database: 'footer', tables: 1, rows: 10 },
  });
});
