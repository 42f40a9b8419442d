// Label keys on every container, network, volume and image infra creates. Live state is read back from these
// (docs/ARCHITECTURE.md, habit 11): status, down and reset find a lab's resources by label, never from a state file.

export const LABEL = {
  lab: 'dev.infra.lab',
  server: 'dev.infra.server',
  /** haproxy | nginx | app | db, or `host` for a server's host container, `forward` for infra's helpers. */
  component: 'dev.infra.component',
  /** primary | replica, on database containers. */
  /** On components: a hash of the config files they read at start, so a changed file recreates the container. */
  config: 'dev.infra.config',
  /** On a lab's lease container: when the lab expires (ISO 8601), and its folder. */
  expires: 'dev.infra.expires',
  dir: 'dev.infra.dir',
  /** On containers: the version of infra that rendered them (`ls` shows it; the lab folder records the commit). */
  version: 'dev.infra.version',
  /** On images infra built: their set and kind. */
  image: 'dev.infra.image',
} as const;

export type LabelMap = Record<string, string>;

export function labFilter(labName?: string): string[] {
  return [labName ? `${LABEL.lab}=${labName}` : LABEL.lab];
}
