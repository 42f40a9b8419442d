// Runs inside a container on a lab's network (see bench-replication.mjs): write on web-01, wait for its GTID on
// web-02, WRITES times; prints percentiles as JSON. CommonJS: it runs on the app image's Node with NODE_PATH.
const mysql = require('mysql2/promise');

(async () => {
  // infra's own user: root answers on each server's localhost only.
  const options = { user: 'infra', password: process.env.ADMIN_PASSWORD, port: 3306 };
  const primary = await mysql.createConnection({ ...options, host: 'web-01' });
  const replica = await mysql.createConnection({ ...options, host: 'web-02' });
  const latencies = [];
  const rtts = [];
  for (let i = 0; i < Number(process.env.WRITES || 100); i++) {
    const t0 = performance.now();
    await primary.query('SELECT 1');
    rtts.push(performance.now() - t0);
    await primary.query('INSERT INTO footer.infra_replication_check (note) VALUES (?)', [`inside ${i}`]);
    const committed = performance.now();
    const [[{ pos }]] = await primary.query('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
    const [[{ r }]] = await replica.query('SELECT MASTER_GTID_WAIT(?, 5) AS r', [pos]);
    if (Number(r) !== 0) throw new Error(`write ${i} did not reach the replica in 5 s`);
    latencies.push(performance.now() - committed);
  }
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  console.log(
    JSON.stringify({
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: Math.max(...latencies),
      rttP50: pct(rtts, 50),
      rttP99: pct(rtts, 99),
    }),
  );
  await primary.end();
  await replica.end();
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
