// Render for real servers (pure, like render-lab): the lab model and what infra read from each server → an Ansible
// project in the lab folder's ansible/: a playbook, a role per component kind (from its folder, static), and
// each server's configuration files from the same kinds and templates as the Docker lab, in their real-server form.
import { stringify } from 'yaml';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { app } from '../kinds/app/spec.js';
import { allKinds, KINDS } from '../kinds/index.js';
import { DAEMON_ROLE } from '../kinds/kind.js';
import { adminGrantsOf } from '../flavours/index.js';
import { ADMIN_USER, adminUserSql } from '../flavours/admin-user.js';
import { kindsDir, templatesDir } from '../paths.js';
import { file, type RenderedFile } from '../templating/rendered-file.js';
import type { LabSite } from '../topology/addressing.js';
import { APP_DB, PORTS } from '../topology/lab-constants.js';
import type { Lab, Server } from '../topology/types.js';
import { serverFirewallFiles } from '../profiles/secured/firewall-file.js';
import { CONFIG_FILES as PROMETHEUS_FILES } from '../kinds/prometheus/spec.js';
import { serverDaemons } from './server-daemons.js';
import { FIREWALL_ROLLBACK_S } from './firewall-rollback.js';
import type { RealServer } from './platform.js';

/** The project's folder inside the lab folder. */
export const ANSIBLE_DIR = 'ansible';

/**
 * The programs that may hold the lab's ports (anything else holding one stops the deploy): those of the kinds set up by
 * their own roles, the SSH server infra deploys over, then the packaged daemons'.
 */
function labPrograms(): string[] {
  const facets = allKinds().flatMap((spec) => spec.onServer ?? []);
  const own = facets.filter((f) => f.role !== DAEMON_ROLE).flatMap((f) => f.programs);
  const daemons = facets.filter((f) => f.role === DAEMON_ROLE).flatMap((f) => f.programs);
  return [...new Set([...own, 'sshd', ...daemons])];
}

/** The playbook reads the admin password from the environment infra runs it with; never written to a file. */
const ADMIN_PASSWORD_LOOKUP = "{{ lookup('env', 'INFRA_ADMIN_PASSWORD') }}";

/** `floatingAddress`: `redundant`, the one the user gave (requireFloatingAddress). */
export function renderAnsibleProject(
  lab: Lab,
  servers: Record<string, RealServer>,
  floatingAddress?: { address: string; prefix: number },
): RenderedFile[] {
  const site: LabSite = {
    hostPort: PORTS.http,
    realServers: servers,
    ...(lab.capabilities.tls ? { httpsPort: PORTS.https } : {}),
    ...(floatingAddress ? { floatingAddress } : {}),
  };
  const under = (f: RenderedFile, folder: string): RenderedFile => ({
    ...f,
    path: `${ANSIBLE_DIR}/${folder}${f.path}`,
  });
  const files: RenderedFile[] = [...staticFiles()];
  for (const server of lab.servers) {
    for (const component of server.components)
      files.push(...KINDS[component.kind].files(lab, server, site).map((f) => under(f, 'servers/')));
  }
  files.push(...app.sharedFiles(lab).map((f) => under(f, '')));
  if (lab.capabilities.firewalls) {
    const firewalls = serverFirewallFiles(
      lab,
      Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.facts])),
    );
    files.push(...firewalls.map((f) => under(f, 'servers/')));
  }
  files.push(file(`${ANSIBLE_DIR}/roles/db/templates/admin-user.sql.j2`, adminUserTemplate(lab)));
  files.push(file(`${ANSIBLE_DIR}/site.yml`, playbook(lab)));
  files.push(file(`${ANSIBLE_DIR}/group_vars/all.yml`, groupVars(lab, servers)));
  for (const server of lab.servers)
    files.push(file(`${ANSIBLE_DIR}/host_vars/${server.name}.yml`, hostVars(lab, server.name, servers, site)));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The settings of every Ansible run of a deploy: the playbook's (copied into the project) and the fact read's before it. */
export const ANSIBLE_CONFIG_TEMPLATE = path.join(templatesDir, 'ansible', 'ansible.cfg');

/**
 * The same in every lab: templates/ansible/ (ansible.cfg, the common, firewall and monitoring roles) and the role of
 * each kind that has one, from its folder (src/kinds/<kind>/ansible/ → roles/<kind>/).
 */
function staticFiles(): RenderedFile[] {
  const copy = (root: string, into: string) =>
    walk(root).map((full) =>
      file(
        `${ANSIBLE_DIR}/${into}${path.relative(root, full)}`,
        readFileSync(full, 'utf8'),
        statSync(full).mode & 0o777,
      ),
    );
  return [
    ...copy(path.join(templatesDir, 'ansible'), ''),
    ...allKinds()
      .filter((spec) => spec.onServer?.role === spec.kind)
      .flatMap((spec) => copy(path.join(kindsDir, spec.kind, 'ansible'), `roles/${spec.kind}/`)),
  ];
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
}

/** infra's database user, made on each server unlogged; a user whose password differs is given the lab's. */
function adminUserTemplate(lab: Lab): string {
  return [
    "-- infra's own database user. Rendered by infra deploy; the password comes from the lab's .env at run time.",
    adminUserSql(adminGrantsOf(lab), ADMIN_PASSWORD_LOOKUP),
    `ALTER USER '${ADMIN_USER}'@'%' IDENTIFIED BY '${ADMIN_PASSWORD_LOOKUP}';`,
    '',
  ].join('\n');
}

function playbook(lab: Lab): string {
  const all = lab.servers.map((s) => s.name).join(':');
  return `# The lab "${lab.name}" on real servers. Rendered by infra deploy; edit infra.yaml, not this file.
# \`infra deploy --inventory FILE\` runs it (with the lab's secrets in its environment), then sets up replication
# and checks the result; \`infra deploy --check\` runs it with --check --diff and changes nothing.
- name: Every server can take the lab
  hosts: ${all}
  become: true
  # A server that cannot take the lab (a port held by another program, no sudo) stops the run on every server,
  # before any of the lab's packages is installed anywhere.
  any_errors_fatal: true
  # What infra read of each server before rendering is all the plays need: host_vars' infra_service_mgr (which the
  # service tasks pass as use:, or the service module would ask each server once a task).
  gather_facts: false
  roles: [common]

# Then each server at its own pace: a load balancer does not wait for the web servers' packages or tasks, nor one
# web server for the other. Its names, infra's folder and its packages, then its roles (host_vars' infra_roles: the
# database first, then the app, then Nginx in front of it; the exporters last).
- name: Each server, its packages, then its roles
  hosts: ${all}
  become: true
  gather_facts: false
  strategy: free
  tasks:
    - name: The lab's names, infra's folder and this server's packages
      ansible.builtin.import_role:
        name: common
        tasks_from: base
    - name: The roles of this server
      ansible.builtin.include_role:
        name: "{{ infra_role }}"
      loop: "{{ infra_roles }}"
      loop_control:
        loop_var: infra_role
      # --check on a server still missing packages: base.yml said what it would install; no further.
      when: not infra_packages_pending
    - name: The database's start, then infra's own user in it (the other roles were set up while it started)
      ansible.builtin.import_role:
        name: db
        tasks_from: user
      when: "'db' in infra_roles and not infra_packages_pending"
${lab.capabilities.firewalls ? FIREWALL_READ + FIREWALL_PLAY(all) : ''}`;
}

/** `secured`: whether each server's firewall is the lab's yet, read at its own pace (the play after is serial). */
const FIREWALL_READ = `    - name: Whether this server's firewall is the lab's yet (secured)
      ansible.builtin.import_role:
        name: firewall
        tasks_from: pending
      when: not infra_packages_pending
`;

/**
 * `secured`: the firewalls go on last, one server at a time, each with a rollback armed until SSH gets through;
 * only where the read above found something to do.
 */
const FIREWALL_PLAY = (hosts: string) => `
- name: The firewalls (secured), last, one server at a time, each rolled back unless SSH still gets through
  hosts: ${hosts}
  become: true
  gather_facts: false
  serial: 1
  roles:
    - role: firewall
      when: not infra_packages_pending and infra_firewall_pending
`;

/** One variable in YAML's block style, as ansible-lint's yamllint wants it (spaced, lines under 160 characters). */
function yamlVar(name: string, value: unknown): string {
  return stringify({ [name]: value }, { lineWidth: 120 }).trimEnd();
}

function groupVars(lab: Lab, servers: Record<string, RealServer>): string {
  const hostsBlock = lab.servers.map((s) => `${servers[s.name].facts.address} ${s.name}`).join('\n');
  return `# Rendered by infra deploy from the lab "${lab.name}".
${yamlVar('infra_lab', lab.name)}
# The servers' private addresses, by name, in every server's /etc/hosts.
${yamlVar('infra_hosts_block', hostsBlock)}
${yamlVar('infra_programs', labPrograms())}
${yamlVar('infra_app_db', { user: APP_DB.user, database: APP_DB.database })}
# secured: HTTPS at the load balancer with the lab's certificate (from the lab folder, never copied into this one).
infra_tls: ${lab.capabilities.tls}
# secured: the firewall's new rules are removed after this many seconds unless SSH gets through them.
${yamlVar('infra_firewall_rollback_s', FIREWALL_ROLLBACK_S)}
`;
}

function hostVars(lab: Lab, name: string, servers: Record<string, RealServer>, site: LabSite): string {
  const server = lab.servers.find((s) => s.name === name)!;
  const real = servers[name];
  const ports = server.components
    .map((c) => KINDS[c.kind].listens)
    .filter((p): p is number => p !== null)
    .concat(server.components.some((c) => c.kind === 'haproxy') ? [PORTS.haproxyApi] : [])
    .concat(server.role === 'lb' && lab.capabilities.tls ? [PORTS.https] : []);
  const lines = [
    `# ${name}: ${real.facts.distribution} ${real.facts.release}, reached by the other servers at ${real.facts.address}.`,
    yamlVar(
      'infra_ports',
      [...new Set(ports)].sort((a, b) => a - b),
    ),
    // Ansible's ansible_service_mgr, read by infra before rendering (the plays gather no facts).
    yamlVar('infra_service_mgr', real.facts.serviceManager),
  ];
  lines.push(yamlVar('infra_roles', rolesOf(server)));
  lines.push(yamlVar('infra_packages', packagesOf(lab, server, real)));
  if (real.database) {
    const { package: pkg, service, config, client } = real.database;
    lines.push(yamlVar('infra_db', { package: pkg, service, config, client }));
  }
  // What the packaged daemons' role reads, on a server that runs one (monitored: every server, an exporter each).
  const daemons = serverDaemons(lab, server, real.facts.address, site);
  if (daemons.length > 0) {
    lines.push(yamlVar('infra_daemons', daemons));
    const prometheus = server.components.some((c) => c.kind === 'prometheus');
    lines.push(yamlVar('infra_prometheus_files', prometheus ? [...PROMETHEUS_FILES] : []));
  }
  return lines.join('\n') + '\n';
}

/** The roles of a server's kinds, each once, in the order of the kinds' start ranks (the database before the app). */
function rolesOf(server: Server): string[] {
  const ranked = server.components
    .flatMap((c) => {
      const spec = KINDS[c.kind];
      return spec.onServer ? [{ role: spec.onServer.role, rank: spec.startRank }] : [];
    })
    .sort((a, b) => a.rank - b.rank);
  return [...new Set(ranked.map((r) => r.role))];
}

/** Every package the server's kinds need (secured: nftables, for the firewall play), sorted. */
function packagesOf(lab: Lab, server: Server, real: RealServer): string[] {
  const packages = server.components.flatMap((c) => KINDS[c.kind].onServer?.package ?? []);
  if (real.database) packages.push(real.database.package);
  if (lab.capabilities.firewalls) packages.push('nftables');
  return [...new Set(packages)].sort();
}
