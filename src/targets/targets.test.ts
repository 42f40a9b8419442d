import { shellWords, sshArgs } from '../runtime/ssh.js';
import { UsageError } from '../errors.js';
import { flavourOf, flavourFromVersion } from '../flavours/index.js';
import { buildLab } from '../definition/build-lab.js';
import { checkDefinition } from '../definition/definition.js';
import { parseRecap } from '../runtime/ansible.js';
import { requireAppRuntime, serverDatabase, type HostFacts } from './platform.js';
import {
  hostFactsOf,
  inventorySource,
  inventoryFromTargets,
  requireServers,
  TARGETS_SOURCE,
  serversUrl,
} from './targets.js';

const facts = (distribution: string, release: string): HostFacts => ({
  server: 'web-01',
  distribution,
  release,
  address: '10.0.0.11',
  serviceManager: 'systemd',
  sshPort: 22,
});

describe('what a server runs, from its release', () => {
  it('MariaDB from Debian, MySQL 8.0 or MariaDB from Ubuntu', () => {
    expect(serverDatabase(flavourOf({ flavour: 'mariadb' }), facts('debian', '13'))).toMatchObject({
      package: 'mariadb-server',
      service: 'mariadb',
      title: 'MariaDB 11.8',
      version: '11.8',
    });
    expect(serverDatabase(flavourOf({ flavour: 'mysql' }), facts('ubuntu', '24.04'))).toMatchObject({
      package: 'mysql-server',
      config: '/etc/mysql/mysql.conf.d/99-infra.cnf',
      title: 'MySQL 8.0',
    });
    expect(serverDatabase(flavourOf({ flavour: 'mariadb' }), facts('ubuntu', '24.04')).title).toBe('MariaDB 10.11');
  });

  it('refuses MySQL on Debian and an unknown release, naming the field and the choices', () => {
    expect(() => serverDatabase(flavourOf({ flavour: 'mysql' }), facts('debian', '12'))).toThrow(
      'web-01 runs Debian 12, which packages no MySQL server',
    );
    try {
      serverDatabase(flavourOf({ flavour: 'mysql' }), facts('debian', '12'));
    } catch (error) {
      expect((error as UsageError).problems[0]).toMatch(/^database\.flavour: one its release packages \(mariadb\)/);
    }
    expect(() => serverDatabase(flavourOf({ flavour: 'mariadb' }), facts('centos', '9'))).toThrow(
      'web-01 runs centos 9, which infra deploy does not know',
    );
  });

  it("refuses a web server whose Node.js is too old for the app (Ubuntu 22.04's 12)", () => {
    expect(() => requireAppRuntime(facts('ubuntu', '22.04'))).toThrow(/Node\.js 12\.22 is too old/);
    expect(() => requireAppRuntime(facts('debian', '12'))).not.toThrow();
  });
});

describe('MySQL 8.0 statements', () => {
  it("clear a new replica's GTIDs with RESET MASTER (8.4: RESET BINARY LOGS AND GTIDS)", () => {
    const sql = (version?: string) =>
      flavourOf({ flavour: 'mysql', databaseVersion: version })
        .configureReplica('web-01', 'repl', 'pw')
        .map((s) => s.sql);
    expect(sql('8.0')).toContain('RESET MASTER');
    expect(sql('8.0')).not.toContain('RESET BINARY LOGS AND GTIDS');
    expect(sql(undefined)).toContain('RESET BINARY LOGS AND GTIDS');
    expect(sql(undefined)).not.toContain('RESET MASTER');
    expect(flavourFromVersion('8.0.39-0ubuntu0.24.04.2').title).toBe('MySQL 8.0');
    expect(flavourFromVersion('8.4.6').title).toBe('MySQL 8.4');
  });
});

describe('the inventory', () => {
  it('must name every server of the lab', () => {
    expect(() => requireServers(buildLab({}), { 'lb-01': {}, other: {} }, inventorySource('hosts.ini'))).toThrow(
      'hosts.ini lacks web-01, web-02',
    );
    expect(
      requireServers(buildLab({}), { 'lb-01': {}, 'web-01': {}, 'web-02': {}, other: {} }, TARGETS_SOURCE),
    ).toEqual(['lb-01', 'web-01', 'web-02']);
  });

  it("reads a server's address from infra_address, else its default IPv4; Debian's release is its major", () => {
    const read = {
      ansible_distribution: 'Debian',
      ansible_distribution_major_version: '13',
      ansible_distribution_version: '13.2',
      ansible_default_ipv4: { address: '172.18.0.3' },
    };
    expect(hostFactsOf('web-01', read, {})).toMatchObject({
      distribution: 'debian',
      release: '13',
      address: '172.18.0.3',
    });
    expect(hostFactsOf('web-01', read, { infra_address: '10.1.0.5' }).address).toBe('10.1.0.5');
    expect(() => hostFactsOf('web-01', { ansible_distribution: 'Debian' }, {})).toThrow(/no default IPv4 address/);
  });

  it('gives infra the SSH settings Ansible uses', () => {
    const vars = {
      ansible_host: '127.0.0.1',
      ansible_port: 2201,
      ansible_user: 'student',
      ansible_ssh_private_key_file: '/k',
      ansible_ssh_common_args: `-o StrictHostKeyChecking=no -o 'ProxyCommand ssh -W %h:%p jump'`,
    };
    expect(sshArgs('web-01', vars)).toEqual([
      '-p',
      '2201',
      '-i',
      '/k',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'ProxyCommand ssh -W %h:%p jump',
      'student@127.0.0.1',
    ]);
    expect(sshArgs('web-01', {})).toEqual(['web-01']);
    expect(shellWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', 'b c', 'd e', 'f\\', 'g']);
    expect(serversUrl('lb-01', { ansible_host: '203.0.113.10' })).toBe('http://203.0.113.10');
    expect(serversUrl('lb-01', { infra_url: 'https://www.footer.com/' })).toBe('https://www.footer.com');
  });
});

it("reads the play recap's counts per host", () => {
  const output = [
    'TASK [x] ***',
    'PLAY RECAP *********************************************************************',
    'lb-01                      : ok=8    changed=0    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   ',
    'web-01                     : ok=21   changed=3    unreachable=0    failed=1    skipped=4    rescued=0    ignored=0',
  ].join('\n');
  expect(parseRecap(output)).toEqual({
    'lb-01': { ok: 8, changed: 0, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 },
    'web-01': { ok: 21, changed: 3, unreachable: 0, failed: 1, skipped: 4, rescued: 0, ignored: 0 },
  });
  expect(parseRecap('no recap')).toEqual({});
});

describe("infra.yaml's targets", () => {
  it('render as an inventory, one host line per server with its settings', () => {
    expect(
      inventoryFromTargets({
        'web-01': { host: '203.0.113.11', user: 'ubuntu', address: '10.0.0.11' },
        'lb-01': { host: 'lb.example.org', port: 2222, key: '~/.ssh/lab', url: 'https://www.footer.com' },
      }),
    ).toBe(
      "# Rendered by infra from infra.yaml's targets; infra deploy uses it when no --inventory is given.\n" +
        'lb-01 ansible_host="lb.example.org" ansible_port="2222" ansible_ssh_private_key_file="~/.ssh/lab" infra_url="https://www.footer.com"\n' +
        'web-01 ansible_host="203.0.113.11" ansible_user="ubuntu" infra_address="10.0.0.11"\n',
    );
  });

  it('are checked field by field, every problem at once', () => {
    const result = checkDefinition({
      targets: { 'web-01': { host: '203.0.113.11', port: 0, adress: '10.0.0.1' }, 'lb-01': { user: 'root' } },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual(
      expect.arrayContaining([
        'targets.web-01.port: must be a port from 1 to 65535 (got 0)',
        expect.stringMatching(
          /^targets\.web-01\.adress: unknown key; allowed here: host, user, port, key, address, url, sshArgs/,
        ),
        'targets.lb-01.host: is required',
      ]),
    );
  });
});
