// The servers `infra deploy` supports and what each release packages: the distribution a server reports (its Ansible
// facts) decides the packages and versions, and so what infra renders for it (MySQL 8.0's statements, not 8.4's).
import { UsageError } from '../errors.js';
import type { DatabaseFlavour } from '../flavours/flavour.js';
import type { Flavour } from '../topology/types.js';
import type { HostFacts, ServerDatabase } from '../topology/real-server.js';

export type { HostFacts, RealServer, ServerDatabase } from '../topology/real-server.js';

export interface Platform {
  /** "Debian 13", "Ubuntu 24.04". */
  title: string;
  /** The release's package versions (major.minor) of what the lab installs. */
  haproxy: string;
  nginx: string;
  /** Each database flavour's server version, or null where the release packages none (MySQL on Debian). */
  databases: Record<Flavour, string | null>;
  nodejs: string;
}

/** The usual course servers. Versions are the releases' own packages (security updates keep major.minor). */
export const PLATFORMS: Record<string, Platform> = {
  'debian 12': {
    title: 'Debian 12',
    haproxy: '2.6',
    nginx: '1.22',
    databases: { mariadb: '10.11', mysql: null },
    nodejs: '18.19',
  },
  'debian 13': {
    title: 'Debian 13',
    haproxy: '3.0',
    nginx: '1.26',
    databases: { mariadb: '11.8', mysql: null },
    nodejs: '20.19',
  },
  'ubuntu 22.04': {
    title: 'Ubuntu 22.04',
    haproxy: '2.4',
    nginx: '1.18',
    databases: { mariadb: '10.6', mysql: '8.0' },
    nodejs: '12.22',
  },
  'ubuntu 24.04': {
    title: 'Ubuntu 24.04',
    haproxy: '2.8',
    nginx: '1.24',
    databases: { mariadb: '10.11', mysql: '8.0' },
    nodejs: '18.19',
  },
};

/** The oldest Node.js the lab's bundled application server runs on. */
const MIN_NODEJS = 18;

export function platformOf(facts: HostFacts): Platform {
  const platform = PLATFORMS[`${facts.distribution} ${facts.release}`];
  if (!platform) {
    throw new UsageError(
      `${facts.server} runs ${facts.distribution} ${facts.release}, which infra deploy does not know`,
      [
        `${facts.server}: use one of ${Object.values(PLATFORMS)
          .map((p) => p.title)
          .join(', ')} (the releases whose packages infra renders for)`,
      ],
    );
  }
  return platform;
}

/** What a web server must run for the lab; refuses a release that cannot, naming the fix. */
export function serverDatabase(flavour: DatabaseFlavour, facts: HostFacts): ServerDatabase {
  const platform = platformOf(facts);
  const { product, ...how } = flavour.serverPackage;
  const version = platform.databases[flavour.name];
  if (!version) {
    throw new UsageError(`${facts.server} runs ${platform.title}, which packages no ${product} server`, [
      `database.flavour: one its release packages (${Object.entries(platform.databases)
        .filter(([, v]) => v)
        .map(([f]) => f)
        .join(', ')}), or other servers for ${flavour.name}`,
    ]);
  }
  return { ...how, title: `${product} ${version}`, version };
}

/** A web server runs the bundled app on the release's own Node.js: refused where that is too old. */
export function requireAppRuntime(facts: HostFacts): void {
  const platform = platformOf(facts);
  if (Number(platform.nodejs.split('.')[0]) < MIN_NODEJS) {
    throw new UsageError(
      `${facts.server} runs ${platform.title}, whose Node.js ${platform.nodejs} is too old for the lab's application server`,
      [`${facts.server}: a web server needs Node.js ${MIN_NODEJS} or later: use Debian 12/13 or Ubuntu 24.04 for it`],
    );
  }
}
