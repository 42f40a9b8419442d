// Commander wiring only (docs/ARCHITECTURE.md, habit 1): the program, its global flags, and one module per command
// under src/cli/commands/ (flags → an options object → one call into src/app). Use cases that touch Docker or MySQL
// are imported lazily by the commands, so `--help`, `init` and `render` never load dockerode or mysql2.
import { Command, CommanderError, type OptionValues } from 'commander';
import { errorJson, EXIT, exitCodeOf, StepError, UsageError } from '../errors.js';
import { indent, painter, type Io } from '../log.js';
import { dockerEnv, type AppEnv } from '../app/context.js';
import { describeInfra, THIS_INFRA } from '../version.js';
import type { CommandKit } from './command-kit.js';
import type { Common } from './options.js';
import { registerVersion } from './commands/version.js';
import { registerInit } from './commands/init.js';
import { registerRender } from './commands/render.js';
import { registerBoot } from './commands/boot.js';
import { registerReap } from './commands/reap.js';
import { registerWatch } from './commands/watch.js';
import { registerStatus } from './commands/status.js';
import { registerDown } from './commands/down.js';
import { registerReset } from './commands/reset.js';
import { registerSmoke } from './commands/smoke.js';
import { registerDeploy } from './commands/deploy.js';
import { registerPower } from './commands/power.js';
import { registerFault } from './commands/fault.js';
import { registerPromote } from './commands/promote.js';
import { registerExplain } from './commands/explain.js';
import { registerReplication } from './commands/replication.js';
import { registerImages } from './commands/images.js';
import { registerDrill } from './commands/drill.js';
import { registerRoom } from './commands/room.js';
import { registerLoad } from './commands/load.js';
import { registerDoctor } from './commands/doctor.js';
import { registerLs } from './commands/ls.js';
import { registerCompletion } from './commands/completion.js';

/** Every command, in the order `infra --help` lists them. */
const COMMANDS: ((program: Command, kit: CommandKit) => void)[] = [
  registerVersion,
  registerInit,
  registerRender,
  registerBoot,
  registerReap,
  registerWatch,
  registerStatus,
  registerDown,
  registerReset,
  registerSmoke,
  registerDeploy,
  registerPower,
  registerFault,
  registerPromote,
  registerExplain,
  registerReplication,
  registerImages,
  registerDrill,
  registerRoom,
  registerLoad,
  registerDoctor,
  registerLs,
  registerCompletion,
];

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
  const kit: CommandKit = {
    io,
    run,
    env: (signal) => makeEnv(io, signal, { verbose }),
    target: (o: Common) => ({ cwd: io.cwd, config: o.config, name: o.name, dir: o.dir }),
  };
  for (const register of COMMANDS) register(program, kit);

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
