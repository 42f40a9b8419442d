// `infra up` and `infra run`: the lab booted (and, for `run`, a command run against it, then the lab removed).
import type { Command } from 'commander';
import { type Common, labOptions, parseSeconds, portOption, profileOption, seedOption } from '../options.js';
import { untilInterrupted } from '../signals.js';
import { parseDuration } from '../duration.js';
import type { Profile } from '../../profiles/names.js';
import type { CommandKit } from '../command-kit.js';

/** `up --ephemeral` without --ttl: long enough for a CI job, short enough not to pile up. */
const EPHEMERAL_TTL_MS = 60 * 60_000;

export function registerBoot(program: Command, { io, run, env, target }: CommandKit): void {
  /** The flags `up` and `run` share: which lab, where, and how it boots. */
  interface BootFlags extends Common {
    port?: number | 'auto';
    profile?: Profile[];
    seed?: string;
    force?: boolean;
    smoke: boolean;
    timeout: number;
    skip?: string;
    ttl?: number;
    offline?: boolean;
  }
  const bootOptions = (command: Command) =>
    labOptions(command)
      .addOption(portOption())
      .addOption(profileOption())
      .addOption(seedOption())
      .option('-f, --force', 'overwrite files edited by hand since the last render')
      .option('--no-smoke', 'skip the smoke checks')
      .option('--skip <checks>', 'comma-separated smoke checks to skip, e.g. failover')
      .option('--timeout <seconds>', 'how long to wait for every component to be healthy', parseSeconds, 180)
      .option(
        '--offline',
        'never build or pull an image: use what `infra images load` brought (a room without network)',
      )
      .option(
        '--ttl <duration>',
        'the lab expires after this long (90s, 30m, 2h, 1d): `infra reap` then removes it, volumes too; ' +
          'again on a running lab to extend it',
        parseDuration,
      );
  const bootSettings = async (o: BootFlags) => {
    const { parseSkip } = await import('../../app/smoke.js');
    return {
      ...target(o),
      port: o.port,
      profiles: o.profile,
      seed: o.seed,
      force: o.force,
      smoke: o.smoke,
      timeoutSeconds: o.timeout,
      skip: parseSkip(o.skip),
      ttlMs: o.ttl,
      offline: o.offline,
    };
  };

  bootOptions(program.command('up'))
    .description('render, build images, boot the lab, wait until healthy, configure replication, run the smoke checks')
    .option('--json', 'print one JSON result on stdout instead of progress')
    .option('--keep', 'keep a lab that failed to come up, for inspection (default: remove it)')
    .option('--dry-run', 'print the files, images, containers and replication SQL up would use, and stop')
    .option('--ephemeral', `a disposable lab for one CI job: it expires in 1h unless --ttl says otherwise`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra up                          the built-in lab on http://127.0.0.1:8080\n  $ infra up --name ci-1 --port auto --json\n  $ infra up --name ci-1 --port auto --ttl 30m      `infra reap` removes it after 30 minutes\n  $ infra up --profile secured         HTTPS on https://127.0.0.1:8443 (trust tls/ca.crt), a firewall per server\n\nRunning it again on a running lab converges: nothing is rebuilt or restarted that is already right.',
    )
    .action(
      run(async (o: BootFlags & { json?: boolean; keep?: boolean; dryRun?: boolean; ephemeral?: boolean }) => {
        const { upLab, upPlan } = await import('../../app/up.js');
        const { presentUp, presentUpPlan } = await import('../presenters/up.js');
        const settings = await bootSettings(o);
        const options = {
          ...settings,
          ttlMs: settings.ttlMs ?? (o.ephemeral ? EPHEMERAL_TTL_MS : undefined),
          json: Boolean(o.json),
          keep: Boolean(o.keep),
        };
        if (o.dryRun) return presentUpPlan(io, await upPlan(options), options);
        return untilInterrupted(io, 'removing what this run created', async (signal) =>
          presentUp(io, await upLab(env(signal), options), options),
        );
      }),
    );

  bootOptions(program.command('run'))
    .description(
      'for CI: up, run a command with INFRA_URL, INFRA_LAB and INFRA_DIR set (INFRA_CA_FILE when secured), then remove the lab and its volumes, ' +
        "whatever the command did; exits with the command's code",
    )
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra run --name ci-$CI_JOB_ID --port auto -- sh -c \'curl -sf "$INFRA_URL/"\'\n  $ infra run -- npm run test:integration\n\n' +
        'If infra itself is killed (SIGKILL), the lab expires after --ttl (default 1h) and `infra reap` removes it.',
    )
    .action(
      run(async (o: BootFlags & { args: string[] }) => {
        const { runCommand } = await import('../../app/run.js');
        const { presentUp } = await import('../presenters/up.js');
        const settings = await bootSettings(o);
        return untilInterrupted(io, 'removing the lab', (signal) =>
          runCommand(env(signal), {
            ...settings,
            json: false,
            keep: false,
            command: o.args,
            presentUp: (result) => presentUp(io, result, { json: false }),
            childOutput: { stdout: io.stdout, stderr: io.stderr },
          }),
        );
      }),
    );
}
