// What a database flavour is: everything infra does differently for MariaDB and MySQL, behind one interface. Each
// flavour is one file; src/flavours/index.ts joins them in an exhaustive record, so a third flavour that forgets a
// part does not compile (and no code elsewhere asks `flavour === 'mysql'`).
import type { ImageSet } from '../topology/types.js';
import type { Flavour } from '../topology/types.js';
import type { ServiceParts } from '../templating/service-parts.js';
import type { Statement } from './statement.js';
import type { DbSession } from '../database/session.js';

export interface AdminGrant {
  privileges: string;
  on: string;
  /** It hands these on (to the replication and app users it creates). */
  grantOption?: boolean;
}

export interface DatabaseFlavour {
  readonly name: Flavour;
  /** The product a student reads about: "MariaDB", "MySQL 8.4". */
  readonly title: string;
  /** The official image (the upstream set; the debian set too when Debian does not package the server). */
  readonly upstreamImage: string;
  /** Debian packages this server, so the debian image set builds its image here. */
  readonly debianPackaged: boolean;
  /** The template of each database's my.cnf. */
  readonly myCnfTemplate: string;
  /** Environment, mounts and health check of a database container; `dataMount` is its volume's mount entry. */
  service(imageSet: ImageSet, server: string, dataMount: string): ServiceParts;
  /**
   * What infra's own user, `infra`@'%', may do: just what infra runs (users and schema on the primary, replica
   * setup, status). Root stays on localhost. Each server creates the user itself at initialisation, unlogged.
   */
  readonly adminGrants: readonly AdminGrant[];
  /** `monitored`: what the database exporter's user may do (read status and replication state, nothing else). */
  readonly monitorPrivileges: string;
  /** First-time replica setup: wipe its own GTID history, point it at the primary, start it, make it read-only. */
  configureReplica(primary: string, user: string, password: string): Statement[];
  /**
   * A database that holds data joining (again) as a replica (`infra promote`, an old primary back after a failover):
   * its own GTIDs say where to start, nothing is wiped. Only for a database whose GTIDs the primary holds.
   */
  repointReplica(primary: string, user: string, password: string): Statement[];
  /**
   * A replica that applies each event `seconds` after the primary wrote it (`infra fault lag`; 0 undoes it). Its
   * threads restart around the change (a delay changes only while they are stopped); where it reads from stays.
   */
  replicaDelay(seconds: number): Statement[];
  /** A replica becoming the primary: forget its source, take writes (and keep taking them after a restart). */
  readonly promote: Statement[];
  /** Taking writes again: the last step of `promote`, and the undoing of a switchover that could not finish. */
  readonly writable: Statement[];
  /** The flag that keeps writes off a replica: the statement that sets it and the variable that shows it. */
  readonly readOnly: { set: Statement; variable: string };
  /**
   * On a primary, the replicas connected to it now, one row each with its server id (column `Server_id`, any case).
   * A replica that says its IO thread runs but is not listed holds a connection to a primary that has since
   * restarted: it would notice only at its next missed heartbeat.
   */
  readonly connectedReplicas: string;
  /** Reading the primary's GTID position and waiting for it on a replica. */
  readonly gtid: {
    position: string;
    /** `SELECT …(?, ?) AS r` with the position and a timeout in seconds. */
    wait: string;
    /** The wait's `r` when it timed out. */
    timedOut: number;
    /** What a replica has applied, when SHOW REPLICA STATUS does not say it (MariaDB). */
    replicaExecuted?: string;
  };
  /**
   * What the replica executed that the primary never did (a write made on the replica itself), in the flavour's
   * GTID notation, or null. A source checks only its own id when a replica connects, so nothing else reports these.
   */
  errantTransactions(replica: DbSession, primary: DbSession): Promise<string | null>;
  /**
   * How many transactions the primary has that the replica has not applied yet. SHOW REPLICA STATUS's lag counts
   * only what the replica received: a replica that cannot fetch the primary's log says 0 s however far behind it is.
   */
  transactionsBehind(replica: DbSession, primary: DbSession): Promise<number>;
  /**
   * Whether the primary's history holds transactions first written by `serverId` (a database rebuilt after it was
   * the primary): a replica skips events of its own server id, so it must replay that history under another id.
   */
  historyHasServerId(primary: DbSession, serverId: number): Promise<boolean>;
  /** `infra deploy`: the distributions' package of this server, and how it is run and reached there. */
  readonly serverPackage: {
    /** "MariaDB", "MySQL": the product, whose version the server's release decides. */
    product: string;
    package: string;
    service: string;
    /** Where the lab's my.cnf goes: read after the package's own files, so its values win. */
    config: string;
    client: string;
  };
  /** Whether replication traffic is encrypted, and how, for `explain security`. */
  readonly replicationTraffic: { encrypted: boolean; how: string };
}
