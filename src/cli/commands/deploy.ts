// `infra deploy`: the lab on real servers, over SSH with Ansible.
import type { Command } from 'commander';
import { type Common, labOptions } from '../options.js';
import { UsageError } from '../../errors.js';
import { FIREWALL_ROLLBACK_S } from '../../targets/firewall-rollback.js';
import type { CommandKit } from '../command-kit.js';

export function registerDeploy(program: Command, { io, run, env, target }: CommandKit): void {
  labOptions(program.command('deploy'))
    .description(
      'put the lab on real servers over SSH with Ansible: packages, configs (validated on the server), app, ' +
        'database users, then GTID replication through SSH tunnels',
    )
    .option(
      '-i, --inventory <file>',
      "Ansible inventory (INI or YAML) with a host per server of the lab: lb-01, web-01, web-02 (default: infra.yaml's targets)",
    )
    .option(
      '--check',
      'show the diff of every file and package change (ansible-playbook --check --diff); change nothing. On a ' +
        'server that has nothing yet: the packages it would install, and no further',
    )
    .option(
      '--render-only',
      "write the lab folder's ansible/ for review and stop, offline: no server is contacted (each is assumed Debian 13 with systemd unless the inventory's infra_release says otherwise)",
    )
    .option('--json', 'print {ok, servers: {host: {ok, changed, …}}, changed, replication, steps} on stdout')
    .addHelpText(
      'after',
      '\nThe inventory names each server as the lab does, with how to reach it:\n' +
        '  lb-01  ansible_host=203.0.113.10 ansible_user=ubuntu\n' +
        '  web-01 ansible_host=203.0.113.11 ansible_user=ubuntu infra_address=10.0.0.11\n' +
        '  web-02 ansible_host=203.0.113.12 ansible_user=ubuntu\n' +
        "infra_address is the address the other servers reach it at (default: the server's default IPv4 address);\n" +
        'or name them in infra.yaml: targets: { lb-01: { host: 203.0.113.10, user: ubuntu }, … } (also port, key,\n' +
        "address, sshArgs, and url for the LB), which deploy renders as the lab folder's ansible/inventory.ini;\n" +
        'other hosts of the inventory are never contacted. Servers: Debian 12/13 (MariaDB), Ubuntu 22.04 (load\n' +
        'balancer only: its Node.js is too old for the app) and 24.04 (MariaDB or MySQL 8.0). Needs ansible-core\n' +
        "here, and sudo for the login user there. Passwords come from the lab folder's .env, never the inventory.\n" +
        'Profile secured: HTTPS at the LB and a firewall per server, loaded last, rolled back within ' +
        `${FIREWALL_ROLLBACK_S} s unless SSH\n` +
        'still gets through. monitored: exporters everywhere, Prometheus on mon-01 (add it to the inventory).\n' +
        'redundant: lb-02 joins lb-01 (add it), keepalived moving a floating address between them: give a free\n' +
        'address on their network as infra_floating_address ([all:vars]) or targets.lb-01.floatingAddress; the\n' +
        'network itself routes visitors there (no edge).\n' +
        '\nExit codes: 0 deployed (or checked), 1 a task or replication failed, 2 bad inventory or config,\n' +
        '3 ansible-core missing here.\n' +
        '\nExamples:\n  $ infra deploy --inventory hosts.ini --render-only   the Ansible project to read, offline\n' +
        '  $ infra deploy --inventory hosts.ini --check     what would change\n' +
        '  $ infra deploy --inventory hosts.ini             apply (a second run reports no change)\n' +
        '  $ infra smoke --inventory hosts.ini              prove it works there',
    )
    .action(
      run(async (o: Common & { inventory?: string; check?: boolean; renderOnly?: boolean; json?: boolean }) => {
        if (o.check && o.renderOnly) {
          throw new UsageError('--check and --render-only exclude each other', [
            '--render-only: the project to read, offline; --check: what a deploy would change on the servers',
          ]);
        }
        const { deployCommand } = await import('../../app/deploy.js');
        const { presentDeploy } = await import('../presenters/deploy.js');
        const options = {
          ...target(o),
          inventory: o.inventory,
          check: Boolean(o.check),
          renderOnly: Boolean(o.renderOnly),
          json: Boolean(o.json),
        };
        return presentDeploy(io, await deployCommand(env(), options), options);
      }),
    );
}
