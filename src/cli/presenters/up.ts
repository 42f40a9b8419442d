// `infra up`'s result: one JSON object (--json), or the lines that say where the lab is and what to try next. A
// failure is thrown for main to report (exit code by its kind), after saying that a lab whose checks failed is kept.
import { errorJson, EXIT, exitCodeOf } from '../../errors.js';
import { flavourOf } from '../../flavours/index.js';
import type { Io } from '../../log.js';
import { formatPlan } from '../../replication/plan.js';
import { stepsJson } from '../../report/steps.js';
import { nameFlag, webServers } from '../../topology/types.js';
import type { UpPlan, UpResult } from '../../app/up.js';

export function presentUp(io: Io, result: UpResult, options: { json: boolean }): number {
  const { failure, lab, dir, url, tls, monitoring } = result;
  if (options.json) {
    const body = {
      ok: failure === undefined,
      lab: lab?.name,
      url,
      ...(tls ? { urls: { http: tls.http, https: tls.https }, tls: { ca_file: tls.caFile } } : {}),
      ...(monitoring ? { monitoring } : {}),
      dir,
      steps: stepsJson(result.steps),
      ...(result.upgrade ? { upgrade: result.upgrade } : {}),
      ...(result.replication ? { replication: { replicas: result.replication } } : {}),
      ...(result.smoke ? { smoke: result.smoke } : {}),
      ...(failure ? { error: errorJson(failure) } : {}),
    };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return failure ? exitCodeOf(failure) : EXIT.ok;
  }
  const flag = lab ? nameFlag(lab.name) : '';
  if (failure && result.smokeFailed) {
    io.stderr.write(
      `\nthe lab is still running for inspection (\`infra status${flag}\`, \`infra smoke${flag}\`); ` +
        `\`infra down${flag}\` removes it\n`,
    );
  }
  if (failure) throw failure;
  io.stderr.write(
    `\nlab "${lab!.name}" is up: ${url}\n` +
      `  folder   ${dir}   (its README.md draws the topology)\n` +
      (monitoring
        ? `  watch    ${monitoring.page_url}   (the live lab page; Prometheus on ${monitoring.prometheus_url})\n`
        : '') +
      `  try      curl${tls ? ` --cacert ${tls.caFile}` : ''} -sI ${url}/ | grep -i x-served-by     (run it twice)\n` +
      `  learn    infra explain${flag}              (what you got, and why)\n` +
      `  next     infra status${flag} · infra fail ${webServers(lab!)[0].name}${flag} · infra down${flag}\n`,
  );
  return EXIT.ok;
}

/** `up --dry-run`: the files, images, containers and replication SQL `up` would use. */
export function presentUpPlan(io: Io, plan: UpPlan, options: { json: boolean }): number {
  const { lab, replication } = plan;
  if (options.json) {
    const body = {
      ok: true,
      dry_run: true,
      lab: lab.name,
      dir: plan.dir,
      files: plan.files,
      images: plan.images,
      containers: plan.containers,
      replication: {
        flavour: replication.flavour,
        primary: { server: replication.primary.server, statements: replication.primary.statements.map((s) => s.shown) },
        replicas: replication.replicas.map((r) => ({
          server: r.server,
          configure: r.configure.map((s) => s.shown),
          resume: r.resume.map((s) => s.shown),
        })),
      },
      smoke: plan.smoke,
    };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT.ok;
  }
  io.stdout.write(
    `dry run: lab "${lab.name}" (${lab.servers.map((s) => s.name).join(', ')}), nothing is written or started\n\n` +
      `1. render    ${plan.files.length} files into ${plan.dir}\n` +
      plan.files.map((f) => `              ${f}\n`).join('') +
      `2. images    ${plan.images.join(', ') || 'none to build'} (built when missing)\n` +
      `3. start     docker compose up -d --wait: ${plan.containers.join(', ')}\n` +
      `4. replication (${flavourOf(lab).name}), through infra's forwarder container:\n\n` +
      formatPlan(replication) +
      `\n5. smoke     ${plan.smoke ? 'the smoke checks' : 'skipped (--no-smoke)'}\n`,
  );
  return EXIT.ok;
}
