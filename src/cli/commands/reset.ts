// `infra reset`: everything infra made for a lab (or every lab), found by label.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import { parseDuration } from '../duration.js';
import type { CommandKit } from '../command-kit.js';

export function registerReset(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('reset'))
    .description(
      'remove everything infra created for a lab (or --all labs), found by label, even without the lab folder',
    )
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
        const { resetLabs } = await import('../../app/reset.js');
        const { presentReset, resetProgress, terminalConfirm } = await import('../presenters/reset.js');
        const json = Boolean(o.json);
        const result = await resetLabs(env(), {
          ...target(o),
          all: Boolean(o.all),
          yes: Boolean(o.yes),
          olderThanMs: o.olderThan,
          confirm: terminalConfirm(io),
          onRemoved: resetProgress(io, json),
        });
        return presentReset(io, result, { json });
      }),
    );
}
