// Commander wiring only (docs/ARCHITECTURE.md, habit 1): flags → an options object → one call into src/app. Use cases
// that touch Docker or MySQL are imported lazily, so `--help`, `init` and `render` never load dockerode or mysql2.
import { Command, CommanderError, InvalidArgumentError, Option, type OptionValues } from 'commander';
import { errorJson, EXIT, exitCodeOf, StepError, UsageError } from '../errors.js';
import { indent, painter, type Io } from '../log.js';
import { dockerEnv, type AppEnv } from '../app/context.js';
import { checkLabName } from '../topology/build-lab.js';
import { PROFILES, type Profile } from '../topology/types.js';
import { describeInfra, THIS_INFRA } from '../version.js';
import { FIREWALL_ROLLBACK_S } from '../targets/ansible-project.js';
import { untilInterrupted } from './signals.js';
import { parseDuration } from './duration.js';

/** `up --ephemeral` without --ttl: long enough for a CI job, short enough not to pile up. */
const EPHEMERAL_TTL_MS = 60 * 60_000;

interface Common {
  config?: string;
  name?: string;
  dir?: string;
  verbose?: boolean;
}

function parsePort(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a port from 1 to 65535, or "auto".');
  }
  return port;
}

/** A port to listen on: 0 for any free one. */
function parseListenPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port from 1 to 65535, or 0 for any free one.');
  }
  return port;
}

function parseProfiles(value: string): Profile[] {
  // `none` clears the profiles a lab folder or infra.yaml recorded.
  if (value.trim() === 'none') return [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PROFILES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(
      `${unknown.length ? `unknown profile ${unknown.join(', ')}; ` : ''}name one or more of ${PROFILES.join(', ')}, comma-separated, or none.`,
    );
  }
  return names as Profile[];
}

function parseLabName(value: string): string {
  const problem = checkLabName(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1)
    throw new InvalidArgumentError('must be a whole number of seconds, 1 or more.');
  return seconds;
}

const configOption = () =>
  new Option('-c, --config <file>', 'lab definition (default: ./infra.yaml if present, else the built-in lab)');
const nameOption = () =>
  new Option('-n, --name <lab>', 'lab name (default: the lab folder\'s, else the file\'s, else "lab")').argParser(
    parseLabName,
  );
const dirOption = () =>
  new Option('-d, --dir <dir>', "lab folder: the command acts on that folder's lab (default: ./infra-labs/<name>)");
const profileOption = () =>
  new Option(
    '--profile <list>',
    `profiles, comma-separated (${PROFILES.join(', ')}), or none; replaces those of infra.yaml or the lab folder`,
  ).argParser(parseProfiles);
const seedOption = () =>
  new Option(
    '--seed <id>',
    "a student's id: varies the lab's starting rows and the drills' details, the same way for the same id",
  );
const portOption = () =>
  new Option('-p, --port <port>', 'LB port on 127.0.0.1, or "auto" for a free one (default: 8080)').argParser(
    parsePort,
  );

/** Builds what a use case runs with; tests pass one over FakeRuntime. */
export type EnvFactory = (io: Io, signal?: AbortSignal, options?: { verbose?: boolean }) => AppEnv;

export async function main(argv: string[], io: Io, makeEnv: EnvFactory = dockerEnv): Promise<number> {
  let exitCode: number = EXIT.ok;
  let verbose = false;
  const program = new Command('infra')
    .description(
      'A real multi-server web stack on one Docker host: HAProxy in front of two web servers, each with Nginx, an ' +
        'application server and MySQL/MariaDB, the database replicated from web-01 to web-02 with GTIDs.',
    )
    // -v is --verbose (as in most tools' subcommands); the version is --version, -V or `infra version`.
    .version(describeInfra(THIS_INFRA), '-V, --version', 'print the version (and the commit it was built from)')
    .option('-v, --verbose', 'show stack traces and the commands infra runs')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nStart here:\n  $ infra up            boot the built-in lab and prove it works\n  $ infra status        see what runs where\n  $ infra down          stop it (data kept; --volumes deletes it)\n\nExit codes: 0 ok, 1 a step or check failed, 2 bad usage or config, 3 environment (Docker, Compose).',
    );
  let jsonMode = false;
  program.hook('preAction', (cmd, action) => {
    verbose = Boolean(cmd.opts().verbose);
    jsonMode = Boolean(action.opts().json);
  });

  // Each action declares the options its command defines; commander fills them in from the parsed flags.
  const run =
    <O extends OptionValues>(fn: (opts: O & { args: string[] }) => Promise<number | void>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      exitCode = (await fn({ ...cmd.optsWithGlobals<O>(), args: cmd.args })) ?? EXIT.ok;
    };
  const env = () => makeEnv(io, undefined, { verbose });
  /** The options every lab command shares: where it runs, which file, which lab. */
  const target = (o: Common) => ({ cwd: io.cwd, config: o.config, name: o.name, dir: o.dir });

  program
    .command('version')
    .description('print the version of infra and the commit it was built from (labs record both)')
    .action(
      run(async () => {
        io.stdout.write(`${describeInfra(THIS_INFRA)}\n`);
      }),
    );

  program
    .command('init')
    .description("write a commented infra.yaml with the built-in lab's values")
    .option('-f, --force', 'overwrite an existing file')
    .argument('[file]', 'where to write it', 'infra.yaml')
    .addHelpText('after', '\nExample:\n  $ infra init && $EDITOR infra.yaml && infra render')
    .action(
      run(async (o: { force?: boolean; args: string[] }) => {
        const { initConfig } = await import('../app/init.js');
        const file = await initConfig(io.cwd, o.args[0], Boolean(o.force));
        io.stderr.write(`wrote ${file}; edit it, then run \`infra render\` or \`infra up\`\n`);
      }),
    );

  program
    .command('render')
    .description(
      'write the lab folder: compose.yaml, haproxy.cfg, nginx.conf and my.cnf per server, the app, Dockerfiles',
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .addOption(portOption())
    .addOption(profileOption())
    .addOption(seedOption())
    .addOption(new Option('-o, --out <dir>', 'the same as --dir').hideHelp())
    .option('-f, --force', 'overwrite files edited by hand since the last render')
    .option('--json', 'print what was written as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra render                      the built-in lab into ./infra-labs/lab\n  $ infra render -c infra.yaml -d /tmp/lab',
    )
    .action(
      run(
        async (
          o: Common & {
            out?: string;
            port?: number | 'auto';
            profile?: Profile[];
            seed?: string;
            force?: boolean;
            json?: boolean;
          },
        ) => {
          const { renderLabFolder } = await import('../app/render.js');
          const r = await renderLabFolder({
            ...target(o),
            dir: o.dir ?? o.out,
            port: o.port,
            profiles: o.profile,
            seed: o.seed,
            force: o.force,
          });
          if (o.json) {
            const { lab, dir, hostPort, written, unchanged, removed } = r;
            const body = { ok: true, lab: lab.name, dir, port: hostPort, written, unchanged, removed };
            io.stdout.write(JSON.stringify(body, null, 2) + '\n');
            return;
          }
          io.stderr.write(
            `rendered lab "${r.lab.name}" into ${r.dir}: ${r.written.length} written, ${r.unchanged.length} unchanged` +
              (r.removed.length ? `, ${r.removed.length} removed` : '') +
              `\nnext: infra up${o.config ? ` -c ${o.config}` : ''}${o.dir || o.out ? ` -d ${o.dir ?? o.out}` : ''}${r.lab.name === 'lab' || o.dir || o.out ? '' : ` --name ${r.lab.name}`}\n`,
          );
        },
      ),
    );

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
    command
      .addOption(configOption())
      .addOption(nameOption())
      .addOption(dirOption())
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
    const { parseSkip } = await import('../app/smoke.js');
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
        const { upCommand } = await import('../app/up.js');
        const settings = await bootSettings(o);
        return untilInterrupted(io, 'removing what this run created', (signal) =>
          upCommand(makeEnv(io, signal, { verbose }), {
            ...settings,
            ttlMs: settings.ttlMs ?? (o.ephemeral ? EPHEMERAL_TTL_MS : undefined),
            json: Boolean(o.json),
            keep: Boolean(o.keep),
            dryRun: o.dryRun,
          }),
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
        const { runCommand } = await import('../app/run.js');
        const settings = await bootSettings(o);
        return untilInterrupted(io, 'removing the lab', (signal) =>
          runCommand(makeEnv(io, signal, { verbose }), { ...settings, json: false, keep: false, command: o.args }),
        );
      }),
    );

  program
    .command('reap')
    .description(
      'remove every lab whose --ttl has expired, with its containers, network, forwarder and VOLUMES (an expired lab ' +
        'is disposable); a lab being brought up right now is left alone. Safe from cron or a systemd timer',
    )
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print what was (or would be) removed as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra reap --dry-run\n  */5 * * * *  infra reap --json >> /var/log/infra-reap.log     (crontab)',
    )
    .action(
      run(async (o: { dryRun?: boolean; json?: boolean }) => {
        const { reapCommand } = await import('../app/reap.js');
        return reapCommand(env(), { dryRun: Boolean(o.dryRun), json: Boolean(o.json) });
      }),
    );

  program
    .command('watch')
    .description(
      "the lab's diagram, live, in a browser: each server up, degraded or down, the traffic each web server takes, " +
        'the LB holding the floating address, replication; served on 127.0.0.1 until Ctrl-C',
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--port <port>', 'port on 127.0.0.1 (default: any free one)', parseListenPort, 0)
    .option('--open', 'start a browser on it too (xdg-open), where there is one')
    .addHelpText(
      'after',
      '\nIt prints the URL on stdout (for scripts), then serves the page and what runs now, read by infra itself: no\n' +
        "profile needed. With the monitored profile the page links to Prometheus's page, which adds the plots.\n" +
        '\nExamples:\n  $ infra watch --open\n  $ infra watch --name ci-1 --port 8099\n' +
        '\nExit codes: 0 stopped with Ctrl-C; 1 the lab is not running; 2 bad usage (a port in use).',
    )
    .action(
      run(async (o: Common & { port: number; open?: boolean }) => {
        const { watchCommand } = await import('../app/watch.js');
        return untilInterrupted(io, 'closing the page', (signal) =>
          watchCommand(makeEnv(io, signal, { verbose }), { ...target(o), port: o.port, open: Boolean(o.open) }),
        );
      }),
    );

  program
    .command('status')
    .description('every server and component with its state and health, the LB URL and the lab folder')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--json', 'print JSON')
    .option('--verify', "also compare each replica's tables with the primary's (chunked checksums)")
    .option(
      '-i, --inventory [file]',
      "the lab `infra deploy` put on real servers instead (without a file: infra.yaml's targets): services (over " +
        'SSH), HAProxy, replication',
    )
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra status\n  $ infra status --name ci-1 --json | jq .url\n  $ infra status --verify        is any replica's data drifting?\n" +
        '  $ infra status --inventory hosts.ini   the lab on its real servers\n' +
        '\nExit codes: 0 healthy; 1 not healthy, or not running (with --json, `running: false` tells them apart);' +
        '\n2 bad usage; 3 no Docker engine.',
    )
    .action(
      run(async (o: Common & { json?: boolean; verify?: boolean; inventory?: string | true }) => {
        if (o.inventory) {
          const { serverStatusCommand } = await import('../app/server-status.js');
          return serverStatusCommand(env(), { ...target(o), inventory: o.inventory, json: Boolean(o.json) });
        }
        const { statusCommand } = await import('../app/status.js');
        return statusCommand(env(), { ...target(o), json: Boolean(o.json), verify: Boolean(o.verify) });
      }),
    );

  program
    .command('down')
    .description('stop the lab and remove its containers and network; its data volumes stay unless --volumes')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--volumes', "also delete the lab's database volumes (its data)")
    .option('--json', 'print what was removed as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra down                 data kept: `infra up` brings it back as it was\n  $ infra down --volumes       start from scratch next time',
    )
    .action(
      run(async (o: Common & { volumes?: boolean; json?: boolean }) => {
        const { downCommand } = await import('../app/down.js');
        return downCommand(env(), { ...target(o), volumes: Boolean(o.volumes), json: Boolean(o.json) });
      }),
    );

  program
    .command('reset')
    .description(
      'remove everything infra created for a lab (or --all labs), found by label, even without the lab folder',
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--all', 'every lab on this Docker host, and the images infra built')
    .option('-y, --yes', 'do not ask before deleting volumes (needed when not on a terminal)')
    .option(
      '--older-than <duration>',
      'every lab without a --ttl created longer ago than this (e.g. 2h), volumes too',
      parseDuration,
    )
    .option('--json', 'print what was removed as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra reset --name ci-1\n  $ infra reset --all --yes     wipe a lab machine (only what infra made)\n\nLab folders are left in place: they may hold your edits.',
    )
    .action(
      run(async (o: Common & { all?: boolean; yes?: boolean; json?: boolean; olderThan?: number }) => {
        const { resetCommand } = await import('../app/reset.js');
        return resetCommand(env(), {
          ...target(o),
          all: Boolean(o.all),
          yes: Boolean(o.yes),
          json: Boolean(o.json),
          olderThanMs: o.olderThan,
        });
      }),
    );

  program
    .command('smoke')
    .description(
      'prove the running lab works across its containers: LB, distribution, app path, replication, exposure, failover',
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--json', 'print {passed, checks:[{name,status,duration_ms,detail}]} on stdout')
    .option('--junit <file>', 'also write a JUnit XML report (for CI test reporters)')
    .option('--skip <checks>', 'comma-separated checks to skip, e.g. failover (it stops web-01 for a few seconds)')
    .option(
      '--handover',
      'with --inventory and redundant: run lb-handover, which moves the floating address to lb-02 and back',
    )
    .option(
      '-i, --inventory [file]',
      "check the lab `infra deploy` put on real servers instead (without a file: infra.yaml's targets): LB, " +
        'distribution, app path, replication, consistency, exposure (the LB URL is its infra_url host variable, ' +
        'else http://<its ansible_host>)',
    )
    .addHelpText(
      'after',
      '\nChecks, in order:\n' +
        '  lb-serves        the LB answers 200 on / through its published port\n' +
        '  lb-distribution  requests spread as the balance algorithm and mode say\n' +
        '  app-path         each web server reaches its app, each app its local database\n' +
        '  replication      replica threads run, no replica writes of its own, a write reaches the replica,\n' +
        '                   the replica refuses app writes\n' +
        "  consistency      every replica's tables hold the primary's rows (chunked checksums)\n" +
        "  exposure         only the LB's ports are published, on 127.0.0.1\n" +
        '  tls              secured labs: HTTPS with the lab CA, no TLS 1.1, redirect, HSTS\n' +
        "  firewall         secured labs: only what each server's policy allows connects\n" +
        '  monitoring       monitored labs: every scrape target up, alert rules loaded, no critical alert\n' +
        '  lb-pair          redundant labs: lb-01 alone holds the floating address (both: a split brain),\n' +
        '                   keepalived runs and HAProxy answers on both\n' +
        '  failover         web-01 stopped: every request served by the others, none failed; it rejoins\n' +
        '  lb-failover      redundant labs: the active LB stopped: the floating address moves (goal < 3 s),\n' +
        '                   only requests in flight fail; it returns with the LB\n' +
        'On real servers (--inventory), instead of failover and lb-failover (nothing there is stopped):\n' +
        '  lb-handover      redundant, with --handover only: keepalived stopped on lb-01 (HAProxy left running), the\n' +
        '                   address moves to lb-02 (goal < 3 s) and back, only requests in flight fail\n' +
        '\nExamples:\n  $ infra smoke\n  $ infra smoke --json --junit smoke.xml\n  $ infra smoke --skip failover\n' +
        '  $ infra smoke --inventory hosts.ini           the lab on real servers (nothing there is stopped)\n' +
        '  $ infra smoke --inventory hosts.ini --handover  also move the floating address to lb-02 and back',
    )
    .action(
      run(
        async (
          o: Common & { json?: boolean; junit?: string; skip?: string; inventory?: string | true; handover?: boolean },
        ) => {
          const { smokeCommand, parseSkip } = await import('../app/smoke.js');
          const options = { ...target(o), json: Boolean(o.json), junit: o.junit };
          if (o.inventory) {
            const { serverSmokeCommand, SERVER_CHECKS } = await import('../app/server-smoke.js');
            const skip = parseSkip(
              o.skip,
              SERVER_CHECKS.map((c) => c.name),
            );
            return serverSmokeCommand(env(), {
              ...options,
              skip,
              inventory: o.inventory,
              handover: Boolean(o.handover),
            });
          }
          if (o.handover) {
            throw new UsageError('--handover moves the floating address of a lab on real servers', [
              'add --inventory FILE (in the Docker lab, lb-failover stops the active LB itself)',
            ]);
          }
          return smokeCommand(env(), { ...options, skip: parseSkip(o.skip) });
        },
      ),
    );

  program
    .command('deploy')
    .description(
      'put the lab on real servers over SSH with Ansible: packages, configs (validated on the server), app, ' +
        'database users, then GTID replication through SSH tunnels',
    )
    .option(
      '-i, --inventory <file>',
      "Ansible inventory (INI or YAML) with a host per server of the lab: lb-01, web-01, web-02 (default: infra.yaml's targets)",
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option(
      '--check',
      'show the diff of every file and package change (ansible-playbook --check --diff); change nothing',
    )
    .option(
      '--render-only',
      "write the lab folder's ansible/ for review and stop, offline: no server is contacted (each is assumed Debian 13 with systemd unless the inventory's infra_release says otherwise)",
    )
    .option('--json', 'print {ok, servers: {host: {ok, changed, …}}, changed, replication, steps} on stdout')
    .addHelpText(
      'after',
      '\nThe inventory names each server as the lab does, with how to reach it:\n' +
        '  lb-01  ansible_host=203.0.113.10 ansible_user=ubuntu\n' +
        '  web-01 ansible_host=203.0.113.11 ansible_user=ubuntu infra_address=10.0.0.11\n' +
        '  web-02 ansible_host=203.0.113.12 ansible_user=ubuntu\n' +
        "infra_address is the address the other servers reach it at (default: the server's default IPv4 address);\n" +
        'or name them in infra.yaml: targets: { lb-01: { host: 203.0.113.10, user: ubuntu }, … } (also port, key,\n' +
        "address, sshArgs, and url for the LB), which deploy renders as the lab folder's ansible/inventory.ini;\n" +
        'other hosts of the inventory are never contacted. Servers: Debian 12/13 (MariaDB), Ubuntu 22.04 (load\n' +
        'balancer only: its Node.js is too old for the app) and 24.04 (MariaDB or MySQL 8.0). Needs ansible-core\n' +
        "here, and sudo for the login user there. Passwords come from the lab folder's .env, never the inventory.\n" +
        'Profile secured: HTTPS at the LB and a firewall per server, loaded last, rolled back within ' +
        `${FIREWALL_ROLLBACK_S} s unless SSH\n` +
        'still gets through. monitored: exporters everywhere, Prometheus on mon-01 (add it to the inventory).\n' +
        'redundant: lb-02 joins lb-01 (add it), keepalived moving a floating address between them: give a free\n' +
        'address on their network as infra_floating_address ([all:vars]) or targets.lb-01.floatingAddress; the\n' +
        'network itself routes visitors there (no edge).\n' +
        '\nExit codes: 0 deployed (or checked), 1 a task or replication failed, 2 bad inventory or config,\n' +
        '3 ansible-core missing here.\n' +
        '\nExamples:\n  $ infra deploy --inventory hosts.ini --render-only   the Ansible project to read, offline\n' +
        '  $ infra deploy --inventory hosts.ini --check     what would change\n' +
        '  $ infra deploy --inventory hosts.ini             apply (a second run reports no change)\n' +
        '  $ infra smoke --inventory hosts.ini              prove it works there',
    )
    .action(
      run(async (o: Common & { inventory?: string; check?: boolean; renderOnly?: boolean; json?: boolean }) => {
        if (o.check && o.renderOnly) {
          throw new UsageError('--check and --render-only exclude each other', [
            '--render-only: the project to read, offline; --check: what a deploy would change on the servers',
          ]);
        }
        const { deployCommand } = await import('../app/deploy.js');
        return deployCommand(env(), {
          ...target(o),
          inventory: o.inventory,
          check: Boolean(o.check),
          renderOnly: Boolean(o.renderOnly),
          json: Boolean(o.json),
        });
      }),
    );

  for (const action of ['fail', 'recover'] as const) {
    program
      .command(`${action} <server>`)
      .description(
        action === 'fail'
          ? 'take a server off the network: stop every component of it, then the server itself'
          : 'bring a failed server back: start it, then its components in order; wait until healthy and back in HAProxy',
      )
      .addOption(configOption())
      .addOption(nameOption())
      .addOption(dirOption())
      .addHelpText(
        'after',
        action === 'fail'
          ? '\nExample:\n  $ infra fail web-01 && curl -sI <the URL infra status prints>/ | grep -i x-served-by     (web-02 answers)'
          : '\nExample:\n  $ infra recover web-01',
      )
      .action(
        run(async (o: Common & { args: string[] }) => {
          const { powerCommand } = await import('../app/power.js');
          return powerCommand(env(), action, { ...target(o), server: o.args[0] });
        }),
      );
  }

  program
    .command('promote <server>')
    .description(
      "make a web server's replica the primary: a switchover that loses no write, or with --force a failover when the primary is down",
    )
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--force', 'the primary is down: promote without it (a failover); refused while it runs')
    .option('--json', 'what moved and how long writes waited, structured')
    .addHelpText(
      'after',
      '\nA switchover makes the primary read-only, waits until <server> has applied its every write, promotes it and\n' +
        'points every other database at it; the apps follow without a restart (writes wait, they do not fail).\n' +
        'A failover (--force) promotes <server> if no other replica holds more; the old primary rejoins on\n' +
        '`infra recover` only if it holds no write the new primary lacks.\n' +
        '\nExamples:\n  $ infra promote web-02\n  $ infra fail web-01 && infra promote web-02 --force && infra recover web-01\n  $ infra promote web-01',
    )
    .action(
      run(async (o: Common & { args: string[]; force?: boolean; json?: boolean }) => {
        const { promoteCommand } = await import('../app/promote.js');
        return promoteCommand(env(), {
          ...target(o),
          server: o.args[0],
          force: Boolean(o.force),
          json: Boolean(o.json),
        });
      }),
    );

  program
    .command('explain')
    .description(
      "the lab's answers to the design's questions, computed from this lab (and its live state when it runs)",
    )
    .argument('[topic]', 'elements | algorithm | mode | replication | spof | security | monitoring (none: an overview)')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--json', 'the same facts, structured')
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra explain                 one screen on everything\n  $ infra explain spof            what can take this lab down\n  $ infra explain algorithm       and, when the lab runs, the distribution seen just now\n  $ infra explain mode --json',
    )
    .action(
      run(async (o: Common & { json?: boolean; args: string[] }) => {
        const { explainCommand } = await import('../app/explain.js');
        return explainCommand(env(), { ...target(o), topic: o.args[0], json: Boolean(o.json) });
      }),
    );

  const replication = program.command('replication').description("GTID replication between the web servers' databases");
  replication
    .command('plan')
    .description('print the SQL infra runs on the primary and on each replica (passwords masked)')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra replication plan\n  $ infra replication plan -c fixtures/valid-mysql.yaml     the MySQL 8.4 statements',
    )
    .action(
      run(async (o: Common) => {
        const { replicationPlanCommand } = await import('../app/replication-plan.js');
        return replicationPlanCommand(io, target(o));
      }),
    );

  const images = program
    .command('images')
    .description('the images a lab runs: build them, or carry them to machines without network (save, load)');
  images
    .command('build')
    .description('build the images the lab needs (skips those already built: tags are hashes of their Dockerfiles)')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--json', 'print the images built and present as JSON on stdout')
    .option('--pull', 'pull a newer base image first (needs a registry)')
    .option('--no-cache', "rebuild every image without Docker's cache: picks up Debian's security updates")
    .addHelpText(
      'after',
      '\nExamples:\n  $ infra images build\n  $ infra images build --no-cache      monthly, for security updates\n  $ infra -v images build              with the full build output',
    )
    .action(
      run(async (o: Common & { json?: boolean; pull?: boolean; cache: boolean }) => {
        const { imagesBuildCommand } = await import('../app/images.js');
        return imagesBuildCommand(env(), {
          ...target(o),
          json: Boolean(o.json),
          pull: Boolean(o.pull),
          noCache: o.cache === false,
        });
      }),
    );

  images
    .command('save <file>')
    .description('write every image the lab needs, the base included, into one archive for machines without network')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .addOption(profileOption())
    .option('--json', 'print {ok, file, bytes, images} on stdout')
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra images save room.tar                      the built-in lab's images\n  $ infra images save room.tar --profile secured,monitored\n\nThen on each machine of the room: infra images load room.tar && infra up --offline",
    )
    .action(
      run(async (o: Common & { json?: boolean; profile?: Profile[]; args: string[] }) => {
        const { imagesSaveCommand } = await import('../app/image-bundle.js');
        return imagesSaveCommand(env(), { ...target(o), profiles: o.profile, file: o.args[0], json: Boolean(o.json) });
      }),
    );
  images
    .command('load <file>')
    .description('load an archive `infra images save` wrote, so `infra up --offline` needs no network')
    .option('--json', 'print {ok, file, images} on stdout')
    .addHelpText('after', '\nExample:\n  $ infra images load room.tar && infra up --offline')
    .action(
      run(async (o: { json?: boolean; args: string[] }) => {
        const { imagesLoadCommand } = await import('../app/image-bundle.js');
        return imagesLoadCommand(env(), { cwd: io.cwd, file: o.args[0], json: Boolean(o.json) });
      }),
    );

  const drill = program
    .command('drill')
    .description('break-fix exercises on a running lab: list, start one, check your fix, reset')
    .addHelpText(
      'after',
      "\nExamples:\n  $ infra drill list\n  $ infra drill start api-502-on-one-server\n  $ infra drill check --hint\n  $ infra drill check --json --junit drill.xml      for an instructor's script\n  $ infra drill reset",
    );
  drill
    .command('list')
    .description('the built-in drills')
    .option('--json', 'print [{name, title, profile, proves}] on stdout')
    .action(
      run(async (o: { json?: boolean }) => {
        const { drillListCommand } = await import('../app/drill.js');
        return drillListCommand(env(), { json: Boolean(o.json) });
      }),
    );
  drill
    .command('start <drill>')
    .description('break the running lab as the drill says (without telling how) and print its story')
    .addOption(nameOption())
    .addOption(dirOption())
    .action(
      run(async (o: Common & { args: string[] }) => {
        const { drillStartCommand } = await import('../app/drill.js');
        return drillStartCommand(env(), { ...target(o), drill: o.args[0] });
      }),
    );
  drill
    .command('check')
    .description('run the checks that prove the drill fixed: exit 0 solved, 1 not yet')
    .addOption(nameOption())
    .addOption(dirOption())
    .option('--hint', 'also print the next hint when not solved')
    .option('--json', 'print {lab, drill, solved, checks, hint} on stdout')
    .option('--junit <file>', 'also write the proving checks as JUnit XML')
    .action(
      run(async (o: Common & { hint?: boolean; json?: boolean; junit?: string }) => {
        const { drillCheckCommand } = await import('../app/drill.js');
        return drillCheckCommand(env(), { ...target(o), hint: Boolean(o.hint), json: Boolean(o.json), junit: o.junit });
      }),
    );
  drill
    .command('reset')
    .description('restore the lab as infra made it (its files, containers, replication); ends the drill')
    .addOption(nameOption())
    .addOption(dirOption())
    .action(
      run(async (o: Common) => {
        const { drillResetCommand } = await import('../app/drill.js');
        return drillResetCommand(env(), target(o));
      }),
    );

  program
    .command('doctor')
    .description('check this machine: Docker engine, Compose v2, base image, the LB port, free memory')
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(dirOption())
    .addOption(portOption())
    .option('--json', 'print {ok, findings:[{name,status,detail,fix}]} on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ infra doctor\n\nExit codes: 0 ready, 1 something to fix, 3 no Docker engine or no Compose v2.',
    )
    .action(
      run(async (o: Common & { port?: number | 'auto'; json?: boolean }) => {
        const { doctorCommand } = await import('../app/doctor.js');
        return doctorCommand(env(), { ...target(o), port: o.port, json: Boolean(o.json) });
      }),
    );

  program
    .command('ls')
    .description('every lab on this Docker engine: name, state, health, URL, age, folder')
    .option('--json', 'print the list as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ infra ls\n  $ infra ls --json | jq -r ".[].name"')
    .action(
      run(async (o: { json?: boolean; args: string[] }) => {
        const { lsCommand } = await import('../app/ls.js');
        return lsCommand(env(), { json: Boolean(o.json) });
      }),
    );

  program
    .command('completion')
    .description('print a shell completion script for bash or zsh')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      '\nExamples:\n  $ eval "$(infra completion bash)"     add it to ~/.bashrc\n  $ eval "$(infra completion zsh)"      add it to ~/.zshrc',
    )
    .action(
      run(async (o: { args: string[] }) => {
        const shell = o.args[0];
        if (shell !== 'bash' && shell !== 'zsh') {
          throw new UsageError(`no completion for "${shell}"`, ['<shell>: bash or zsh']);
        }
        const { completionScript } = await import('./completion.js');
        io.stdout.write(completionScript(program, shell));
      }),
    );

  if (argv.length === 0) {
    // Bare `infra` is a request for help, not a mistake: help on stdout, exit 0.
    io.stdout.write(program.helpInformation());
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage mistakes are exit 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    reportError(io, error, verbose);
    // With --json, stdout holds JSON even on failure: scripts parse it before they read the exit code.
    if (jsonMode) io.stdout.write(JSON.stringify({ ok: false, error: errorJson(error) }, null, 2) + '\n');
    return exitCodeOf(error);
  }
}

function reportError(io: Io, error: unknown, verbose: boolean): void {
  const paint = painter(io.stderr, io.env);
  if (error instanceof UsageError || error instanceof StepError || (error instanceof Error && 'exitCode' in error)) {
    io.stderr.write(`${paint('red', 'error:')} ${error.message}\n`);
    if (error instanceof UsageError) for (const p of error.problems) io.stderr.write(`  - ${p}\n`);
    if (error instanceof StepError && error.detail) io.stderr.write(indent(error.detail, '  | ') + '\n');
    if (verbose && error.stack) io.stderr.write(error.stack + '\n');
    return;
  }
  io.stderr.write(
    `${paint('red', 'internal error:')} ${(error as Error)?.message ?? String(error)}\n` +
      'This is a bug in infra. Please report it with the command you ran and the output of `infra doctor`.\n',
  );
  if (verbose && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
}
