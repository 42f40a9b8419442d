// A module of its own: `infra deploy --help` quotes it, and the command line must not load the Ansible project's
// renderer (and its YAML and templates) to print help.

/**
 * secured: new firewall rules are removed again after this many seconds unless a new SSH connection got through them
 * (a mistake locks nobody out for longer); the firewall role's SSH test gives up well before it.
 */
export const FIREWALL_ROLLBACK_S = 30;
