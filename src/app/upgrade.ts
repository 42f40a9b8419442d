// A lab made by an earlier infra keeps working after infra is upgraded: `up` says which infra made it, runs the
// migrations its format lacks (in order, each idempotent, each saying what it changed) once the lab runs, and then
// records this infra in the lab folder. A lab made by a newer infra is refused before anything is written: this
// infra would render files and run steps that lab has moved past.
import semver from 'semver';
import { UsageError } from '../errors.js';
import { adminGrantsOf } from '../flavours/index.js';
import { forwardTarget } from '../ops/databases.js';
import { adoptAdminUser } from '../ops/admin-user.js';
import { requireSecrets } from '../render/secrets.js';
import { recordMadeBy, type LabState } from '../render/write-lab.js';
import { COMMIT, describeInfra, LAB_FORMAT, THIS_INFRA, VERSION, type MadeBy } from '../version.js';
import type { LabContext } from './context.js';

/** One change a lab of an earlier format goes through. */
export interface Migration {
  /** The lab format it brings a lab to (src/version.ts lists them). */
  to: number;
  /** What it adopts, for the progress line. */
  title: string;
  /** Does it on the running lab; returns what it changed, a line each (none: the lab had it already). */
  run(context: LabContext): Promise<string[]>;
}

/** Every migration, oldest first. A change to the lab folder or the database users adds one and raises LAB_FORMAT. */
export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    title: "infra's own database user",
    async run(context) {
      const { runtime, lab, dir, openSession } = context;
      const secrets = await requireSecrets(dir);
      const forward = await runtime.openForward(forwardTarget(lab));
      try {
        const outcomes = await adoptAdminUser(openSession, forward.ports, secrets, adminGrantsOf(lab));
        return outcomes
          .filter((o) => o.created)
          .map((o) => `${o.server}: created the database user infra (not replicated: no new GTID)`);
      } finally {
        await forward.close();
      }
    },
  },
];

/** What `up` has to do to a lab folder an earlier infra made (or another build of this version). */
export interface Upgrade {
  /** The infra the folder records; undefined for labs from infra before 0.2.0, which recorded none. */
  from?: MadeBy;
  migrations: Migration[];
}

/** The upgrade a lab folder needs, or undefined: a new folder, or one this very build made. */
export function pendingUpgrade(state: LabState | undefined): Upgrade | undefined {
  if (!state) return undefined;
  const from = state.infra;
  if (from && from.format === LAB_FORMAT && from.version === VERSION && from.commit === COMMIT) return undefined;
  const format = from?.format ?? 1;
  return { from, migrations: MIGRATIONS.filter((m) => m.to > format) };
}

/** "upgrading lab "hcu" from infra 0.1.0 (813aa6c) to 0.2.0 (9fc7822)" */
export function upgradeLine(labName: string, upgrade: Upgrade): string {
  const from = upgrade.from ? `infra ${describeInfra(upgrade.from)}` : 'an infra before 0.2.0 (it recorded no version)';
  const steps = upgrade.migrations.length
    ? `: ${upgrade.migrations.map((m) => m.title).join(', ')}`
    : ' (nothing to migrate)';
  return `upgrading lab "${labName}" from ${from} to ${describeInfra(THIS_INFRA)}${steps}`;
}

/** Runs the upgrade's migrations in order, then records this infra in the folder; returns what changed. */
export async function runUpgrade(context: LabContext, upgrade: Upgrade): Promise<string[]> {
  const changes: string[] = [];
  for (const migration of upgrade.migrations) changes.push(...(await migration.run(context)));
  await recordMadeBy(context.dir, THIS_INFRA);
  return changes;
}

/** Refuses a folder made by a newer infra (a later format, or a later version): exit 2, naming both versions. */
export function refuseNewer(dir: string, recorded: MadeBy | undefined): void {
  if (!recorded) return;
  const laterVersion = semver.valid(recorded.version) !== null && semver.gt(recorded.version, VERSION);
  if (recorded.format <= LAB_FORMAT && !laterVersion) return;
  throw new UsageError(
    `the lab folder ${dir} was made by infra ${describeInfra(recorded)}, newer than this infra ` +
      `${describeInfra(THIS_INFRA)}; nothing was written`,
    [
      `infra: use infra ${recorded.version} or later with this lab (\`infra version\` prints which one runs)`,
      '--name or --dir: or start another lab with this infra, in another folder',
    ],
  );
}
