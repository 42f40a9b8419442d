// `infra watch`: the lab's live diagram, served on 127.0.0.1.
import type { Command } from 'commander';
import { type Common, labOptions, parseListenPort } from '../options.js';
import { untilInterrupted } from '../signals.js';
import type { CommandKit } from '../command-kit.js';

export function registerWatch(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('watch'))
    .description(
      "the lab's diagram, live, in a browser: each server up, degraded or down, the traffic each web server takes, " +
        'the LB holding the floating address, replication; served on 127.0.0.1 until Ctrl-C',
    )
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
        const { watchCommand } = await import('../../app/watch.js');
        // The URL on stdout for scripts, the rest for the person at the terminal.
        const onServing = ({ lab, url }: { lab: string; url: string }) => {
          io.stdout.write(`${url}\n`);
          io.stderr.write(`watching lab "${lab}" at ${url} (the page reads the lab every 2 s); Ctrl-C stops\n`);
        };
        return untilInterrupted(io, 'closing the page', (signal) =>
          watchCommand(env(signal), { ...target(o), port: o.port, open: Boolean(o.open), onServing }),
        );
      }),
    );
}
