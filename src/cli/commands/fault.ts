// `infra fault <kind> …` and `infra heal`: grey failures made on purpose on a running lab, and undone.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { FaultRequest } from '../../app/fault.js';
import { type Common, labOptions } from '../options.js';
import type { CommandKit } from '../command-kit.js';

type FaultFlags = Common & { json?: boolean; jitter?: string; fromAll?: boolean; args: string[] };
type Parsers = typeof import('../../faults/fault.js');

export function registerFault(program: Command, { io, run, env, target }: CommandKit): void {
  const fault = program
    .command('fault')
    .description(
      'make a grey failure on a running lab (a partition, packet loss, a slow link, a lagging replica); ' +
        '`infra status` lists it, `infra heal` undoes it',
    )
    .addHelpText(
      'after',
      "\nEach fault is named by servers, not interfaces, made from a short-lived helper in the server's network\n" +
        "namespace (the lab's own containers get no extra capability), and recorded with the lab until healed;\n" +
        '`infra down` and `infra drill reset` heal every fault, `infra recover <server>` those on that server.\n' +
        '\nExamples:\n  $ infra fault partition lb-01 lb-02      redundant: both LBs then claim the floating address\n' +
        '  $ infra fault loss web-02 30%\n  $ infra fault rate web-02 256kbit\n  $ infra fault lag web-02 30s\n' +
        "  $ infra fault hang web-01/app              HAProxy's check reaches the app: web-01 leaves the rotation\n" +
        '  $ infra heal --all\n' +
        '\nExit codes: 0 made; 1 a step failed; 2 bad usage (an unknown server, a fault already active);\n' +
        "3 this machine cannot make it (delay and corrupt need the kernel's netem).",
    );

  const kind = (usage: string, description: string, request: (o: FaultFlags, parse: Parsers) => FaultRequest) =>
    labOptions(fault.command(usage))
      .description(description)
      .option('--json', 'print {ok, lab, fault} on stdout')
      .action(
        run(async (o: FaultFlags) => {
          const parse = await import('../../faults/fault.js');
          const { makeFault } = await import('../../app/fault.js');
          const { presentFault } = await import('../presenters/fault.js');
          const options = { ...target(o), request: request(o, parse), json: Boolean(o.json) };
          return presentFault(io, await makeFault(env(), options), options);
        }),
      );

  kind('partition <server> [other]', 'no traffic between two servers, both ways; both keep running', (o) => {
    const [server, other] = o.args;
    if (Boolean(other) === Boolean(o.fromAll)) {
      throw new UsageError('a partition needs the other side: one server, or --from-all', [
        'OTHER: a second server (infra fault partition lb-01 lb-02), or --from-all (every other server)',
      ]);
    }
    return { kind: 'partition', servers: other ? [server, other] : [server], fromAll: Boolean(o.fromAll) };
  }).option('--from-all', 'cut the server off from every other server of the lab');
  kind(
    'loss <server> <percent>',
    "drop a share of the server's packets, in and out (nftables' numgen random)",
    (o, p) => ({
      kind: 'loss',
      servers: [o.args[0]],
      amount: p.parsePercent(o.args[1], 'PERCENT'),
    }),
  );
  kind('rate <server> <rate>', 'limit what the server sends: 256kbit, 1mbit (a token bucket, tc tbf)', (o, p) => ({
    kind: 'rate',
    servers: [o.args[0]],
    amount: p.parseRate(o.args[1], 'RATE'),
  }));
  kind(
    'delay <server> <time>',
    "hold the server's packets back: 200ms (tc netem; refused where the kernel lacks it)",
    (o, p) => ({
      kind: 'delay',
      servers: [o.args[0]],
      amount: p.parseMilliseconds(o.args[1], 'TIME'),
      ...(o.jitter ? { jitter: p.parseMilliseconds(o.jitter, '--jitter') } : {}),
    }),
  ).option('--jitter <time>', 'vary the delay by up to this much: 50ms');
  kind('corrupt <server> <percent>', 'flip bits in a share of the packets the server sends (tc netem)', (o, p) => ({
    kind: 'corrupt',
    servers: [o.args[0]],
    amount: p.parsePercent(o.args[1], 'PERCENT'),
  }));
  kind(
    'hang <server>',
    "freeze a server's processes, or one of them: web-01/app (docker pause): they neither answer nor die",
    (o, p) => {
      const { server, component } = p.parseServerComponent(o.args[0]);
      return { kind: 'hang', servers: [server], ...(component ? { component } : {}) };
    },
  );
  kind(
    'lag <server> <time>',
    "a replica that applies each change late: 30s (the database's delayed replication)",
    (o, p) => ({
      kind: 'lag',
      servers: [o.args[0]],
      amount: p.parseSeconds(o.args[1], 'TIME'),
    }),
  );

  labOptions(program.command('heal [faults...]'))
    .description('undo faults `infra fault` made (their names as `infra status` lists them), or every one with --all')
    .option('--all', 'every active fault of the lab')
    .option('--json', 'print {ok, lab, healed, remaining} on stdout')
    .addHelpText('after', '\nExamples:\n  $ infra heal loss-web-02\n  $ infra heal --all')
    .action(
      run(async (o: Common & { all?: boolean; json?: boolean; args: string[] }) => {
        const { healFaults } = await import('../../app/fault.js');
        const { presentHealed } = await import('../presenters/fault.js');
        const options = { ...target(o), ids: o.args, all: Boolean(o.all), json: Boolean(o.json) };
        return presentHealed(io, await healFaults(env(), options), options);
      }),
    );
}
