// `infra reap`: every lab whose --ttl has passed, removed.
import type { Command } from 'commander';
import type { CommandKit } from '../command-kit.js';

export function registerReap(program: Command, { io, run, env }: CommandKit): void {
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
        const { reapLabs } = await import('../../app/reap.js');
        const { presentReaped } = await import('../presenters/reap.js');
        const options = { dryRun: Boolean(o.dryRun), json: Boolean(o.json) };
        return presentReaped(io, await reapLabs(env(), { expired: true }, options), options);
      }),
    );
}
