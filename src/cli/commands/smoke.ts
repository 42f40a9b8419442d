// `infra smoke`: the checks that prove the lab works, in Docker or (--inventory) on real servers.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import { UsageError } from '../../errors.js';
import type { CommandKit } from '../command-kit.js';

export function registerSmoke(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('smoke'))
    .description(
      'prove the running lab works across its containers: LB, distribution, app path, replication, load, exposure, failover',
    )
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
        '  under-load       8 visitors at once for 1 s: none fails, none waits far longer than the fastest\n' +
        '                   web server alone answers (a server slow only under load holds them back)\n' +
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
          const { smokeCommand, parseSkip } = await import('../../app/smoke.js');
          const { presentSmoke } = await import('../presenters/smoke.js');
          const options = { ...target(o), json: Boolean(o.json), junit: o.junit };
          if (o.inventory) {
            const { serverSmokeCommand, SERVER_CHECKS } = await import('../../app/server-smoke.js');
            const skip = parseSkip(
              o.skip,
              SERVER_CHECKS.map((c) => c.name),
            );
            const report = await serverSmokeCommand(env(), {
              ...options,
              skip,
              inventory: o.inventory,
              handover: Boolean(o.handover),
            });
            return presentSmoke(io, report, options);
          }
          if (o.handover) {
            throw new UsageError('--handover moves the floating address of a lab on real servers', [
              'add --inventory FILE (in the Docker lab, lb-failover stops the active LB itself)',
            ]);
          }
          return presentSmoke(io, await smokeCommand(env(), { ...options, skip: parseSkip(o.skip) }), options);
        },
      ),
    );
}
