// `infra load`'s output: per run the rate, latency, who answered, what failed, the writes on every database, the
// failure window; `--compare`'s ratio; or the same as JSON, and the checks as JUnit. Exit 1 when a check failed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT } from '../../errors.js';
import { painter, type Io } from '../../log.js';
import type { LoadResult, LoadRun } from '../../load/result.js';
import { loadChecks } from '../../load/verdict.js';
import { junitDocument } from '../../report/junit.js';

export async function presentLoad(
  io: Io,
  result: LoadResult,
  options: { json: boolean; junit?: string; cwd: string },
): Promise<number> {
  const checks = loadChecks(result);
  const passed = checks.every((c) => c.passed);
  if (options.junit) await writeFile(path.resolve(options.cwd, options.junit), junit(result, checks));
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: passed, ...result, checks }, null, 2) + '\n');
    return passed ? EXIT.ok : EXIT.failed;
  }
  const paint = painter(io.stdout, io.env);
  const load = `${result.connections} connection(s)${result.rate ? ` at ${result.rate} req/s` : ''}, ${result.path}`;
  io.stdout.write(`load on lab "${result.lab}" (${result.url}): ${load}\n`);
  for (const run of result.runs) {
    if (result.runs.length > 1) io.stdout.write(`\nagainst ${run.servers.join(' and ')}\n`);
    writeRun(io, run);
  }
  if (result.compare) {
    const { one, all, ratio } = result.compare;
    io.stdout.write(`\none web server ${one} req/s, all ${all} req/s: ${ratio}x\n`);
  }
  io.stdout.write('\n');
  for (const c of checks) {
    io.stdout.write(`  ${c.passed ? paint('green', '✓') : paint('red', '✗')} ${c.name}: ${c.detail}\n`);
  }
  const during = result.runs.find((r) => r.during)?.during;
  if (during && /^(fail|fault|hang|partition)\b/.test(during.command)) {
    io.stdout.write(
      `\nthe failure stays: \`infra status --name ${result.lab}\` shows it (recover or heal undoes it)\n`,
    );
  }
  return passed ? EXIT.ok : EXIT.failed;
}

function writeRun(io: Io, run: LoadRun): void {
  const r = run.report;
  const line = (label: string, text: string) => io.stdout.write(`  ${label.padEnd(18)} ${text}\n`);
  line('requests', `${r.requests} in ${r.duration_s} s: ${r.requests_per_second} req/s`);
  line(
    'latency',
    `p50 ${r.latency_ms.p50} ms · p90 ${r.latency_ms.p90} ms · p95 ${r.latency_ms.p95} ms · p99 ${r.latency_ms.p99} ms · max ${r.latency_ms.max} ms`,
  );
  line(
    'answered by',
    Object.entries(r.shares)
      .map(([s, pct]) => {
        const own = r.latency_by_server_ms[s];
        return `${s} ${pct}%${own ? ` (p50 ${own.p50} ms, p99 ${own.p99} ms)` : ''}`;
      })
      .join(' · ') || 'nobody',
  );
  const kinds = Object.entries(r.errors.by_kind).map(([k, n]) => `${n} ${k}`);
  line('failed', `${r.errors.total}${kinds.length ? ` (${kinds.join(', ')})` : ''}`);
  if (r.writes) {
    const rows = Object.entries(r.writes.rows).map(([s, n]) => `${s} ${n ?? '(down)'}`);
    line('writes', `${r.writes.acknowledged} acknowledged; on the databases: ${rows.join(', ')}`);
  }
  if (r.reads_after_writes) {
    const { reads, stale } = r.reads_after_writes;
    line('reads after writes', `${reads}, ${stale} stale (read from a replica that did not have the write yet)`);
  }
  if (run.during) {
    const d = run.during;
    line(
      `during`,
      `"${d.command}" at ${d.started_s}s (exit ${d.exit_code}, ${d.took_s} s): ${d.failed} request(s) failed; ` +
        (d.recovered_after_s === null
          ? 'the rate did not come back within the run'
          : `the rate was back ${d.recovered_after_s} s later`),
    );
  }
}

function junit(result: LoadResult, checks: ReturnType<typeof loadChecks>): string {
  return junitDocument(
    { suites: 'infra load', suite: `load: ${result.lab} (${result.url})` },
    checks.map((c) => ({
      classname: `infra.load.${result.lab}`,
      name: c.name,
      ...(c.passed ? { out: c.detail } : { failure: c.detail }),
    })),
  );
}
