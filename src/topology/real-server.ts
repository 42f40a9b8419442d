// A real server of a deployment (`infra deploy`), as the model needs it: what infra read from it and the database it
// installs there. Which releases infra supports and what they package is src/targets/platform.ts.

/** What infra read from one server before rendering for it. */
export interface HostFacts {
  server: string;
  /** Ansible's ansible_distribution, lower case: `debian`, `ubuntu`. */
  distribution: string;
  /** Debian's major release (`13`), Ubuntu's version (`24.04`). */
  release: string;
  /** The address the other servers reach it at: the inventory's `infra_address`, else its default IPv4 address. */
  address: string;
  /** Ansible's ansible_service_mgr: `systemd`, or `sysvinit`/`service` on a server (or container) without it. */
  serviceManager: string;
  /** The port its sshd answered infra on, as the server saw it (a firewall must keep it open). */
  sshPort: number;
  /**
   * `redundant`: the interface keepalived puts the floating address on (the inventory's `infra_interface`, else the
   * default IPv4 route's) and that route's network (`10.0.0.0/24`), where a floating address must lie.
   */
  network?: { interface: string; cidr?: string };
}

/** How the lab's database is installed and reached on one web server. */
export interface ServerDatabase {
  package: string;
  service: string;
  /** Where the lab's my.cnf goes: read after the package's own files, so its values win. */
  config: string;
  client: string;
  /** "MariaDB 11.8", "MySQL 8.0": the header of the rendered my.cnf. */
  title: string;
  /** The server's major.minor, whose statements infra runs (MySQL 8.0's differ from 8.4's). */
  version: string;
}

/** One server of a deployment: what infra read from it and, on a web server, the database it installs there. */
export interface RealServer {
  facts: HostFacts;
  database?: ServerDatabase;
}
