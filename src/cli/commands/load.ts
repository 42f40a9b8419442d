// `infra load`: many visitors at once on the running lab, and what the lab did with them.
import { InvalidArgumentError, type Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import { parseDuration } from '../duration.js';
import { untilInterrupted } from '../signals.js';
import type { CommandKit } from '../command-kit.js';
import type { LoadPath } from '../../load/result.js';

const PATHS: readonly LoadPath[] = ['/', '/api/visits', 'mix'];

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more.');
  return n;
}

function loadPath(value: string): LoadPath {
  if (!PATHS.includes(value as LoadPath)) throw new InvalidArgumentError(`must be one of ${PATHS.join(', ')}.`);
  return value as LoadPath;
}

interface LoadFlags extends Common {
  connections: number;
  rate?: number;
  duration: number;
  path: LoadPath;
  during?: string;
  compare?: boolean;
  json?: boolean;
  junit?: string;
}

export function registerLoad(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('load'))
    .description(
      'many visitors at once on the running lab: the rate, latency, which web server answered, what failed, and ' +
        'whether every write reached every database',
    )
    .option('--connections <n>', 'visitors at once, each sending its next request when it has its answer', positive, 10)
    .option('--rate <n>', 'requests per second over all connections (default: as fast as they go)', positive)
    .option('--duration <time>', 'how long (10s, 1m)', parseDuration, 10_000)
    .option(
      '--path <path>',
      'what visitors ask: / (the page), /api/visits (writes), or mix (a write, its read, the page)',
      loadPath,
      '/',
    )
    .option('--during <command>', 'an infra command run a third of the way in, e.g. "fail web-01": its failure window')
    .option('--compare', 'the same load against one web server (the others drained), then all: what the second buys')
    .option('--json', 'print the runs, their figures and checks on stdout')
    .option('--junit <file>', 'also write the checks as JUnit XML')
    .addHelpText(
      'after',
      '\nThe lab answers on its published URL (HTTPS with its CA when secured). Each response names the web server\n' +
        'that answered (X-Served-By); writes are counted on every database after the run, once replicas caught up.\n' +
        '\nExamples:\n  $ infra load --duration 30s\n  $ infra load --path mix --during "fail web-01"\n' +
        '  $ infra load --compare --connections 20\n  $ infra load --json --junit load.xml     in CI\n' +
        '\nExit codes: 0 every check passed; 1 a request failed outside a failure window, a write is missing on a\n' +
        'database, or the rate did not come back; 2 bad usage; 3 no engine.',
    )
    .action(
      run(async (o: LoadFlags) => {
        const { runLoad } = await import('../../app/load.js');
        const { presentLoad } = await import('../presenters/load.js');
        const during = o.during
          ? {
              command: o.during,
              // This infra, on the same lab: as the student would type it.
              run: async (lab: string) => {
                const { runInfraHere } = await import('../../runtime/infra-process.js');
                return runInfraHere([...o.during!.trim().split(/\s+/), '--name', lab]);
              },
            }
          : undefined;
        const result = await untilInterrupted(io, 'reporting what ran', (signal) =>
          runLoad(env(signal), {
            ...target(o),
            connections: o.connections,
            rate: o.rate,
            durationSeconds: Math.max(1, Math.round(o.duration / 1000)),
            path: o.path,
            during,
            compare: Boolean(o.compare),
            json: Boolean(o.json),
          }),
        );
        return presentLoad(io, result, { json: Boolean(o.json), junit: o.junit, cwd: io.cwd });
      }),
    );
}
