// Every valid-* fixture's rendered files pass the real tools, run inside the lab's own images (Debian 13: HAProxy
// 3.0, nginx 1.26), not the host's older ones: `haproxy -c`, `nginx -t`, `nft -c`, `promtool` and `docker compose config -q`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, requireEngine, tempDir, infra, docker } from '../helpers/e2e.js';
import { fixtureNames, fixturesDir } from '../helpers/fixtures.js';
import { parse, stringify } from 'yaml';
import { alertRules } from '../../src/kinds/prometheus/alert-rules.js';
import { buildLab } from '../../src/definition/build-lab.js';

const cwd = tempDir();

describeWithDocker('rendered files pass the real tools', () => {
  let images: Record<string, string> = {};

  beforeAll(async () => {
    requireEngine();
    // Build the debian image set once (a no-op when the tags exist), with the secured profile's host image, then
    // read the tags back from a render.
    const imagesLab = path.join(cwd, 'images-lab');
    const render = await infra(['render', '--profile', 'secured,monitored,redundant', '--dir', imagesLab], { cwd });
    expect(render.exitCode).toBe(0);
    const build = await infra(['images', 'build', '--dir', imagesLab], { cwd });
    expect(build.stderr).toContain('images');
    expect(build.exitCode).toBe(0);
    const compose = await docker(['compose', '-f', path.join(imagesLab, 'compose.yaml'), 'config', '--images']);
    for (const ref of compose.split('\n')) {
      const kind = ref.match(/^infra-([\w-]+):/)?.[1];
      if (kind) images[kind] = ref;
    }
    expect(Object.keys(images).sort()).toEqual([
      'app',
      'db',
      'haproxy',
      'host',
      'keepalived',
      'mysqld-exporter',
      'nginx',
      'nginx-exporter',
      'node-exporter',
      'prometheus',
      'socat',
    ]);
  });

  describe.each(fixtureNames('valid-'))('%s', (fixture) => {
    const dir = path.join(cwd, fixture);

    beforeAll(async () => {
      const run = await infra(['render', '-c', path.join(fixturesDir, `${fixture}.yaml`), '-o', dir], { cwd });
      expect(run.exitCode).toBe(0);
    });

    it('docker compose config -q accepts compose.yaml', async () => {
      const result = await execa('docker', ['compose', '-f', path.join(dir, 'compose.yaml'), 'config', '-q'], {
        reject: false,
      });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    });

    it('haproxy -c accepts lb-01/haproxy.cfg', async () => {
      // -dr: the web servers' names resolve only on the lab network.
      const result = await execa(
        'docker',
        [
          'run',
          '--rm',
          '-v',
          `${dir}/lb-01/haproxy.cfg:/etc/infra/haproxy.cfg:ro`,
          // A secured lab's HAProxy loads its certificate: -c fails when the file is missing or wrong.
          ...(existsSync(path.join(dir, 'tls')) ? ['-v', `${dir}/tls/server.pem:/etc/infra/tls/server.pem:ro`] : []),
          images.haproxy,
          'haproxy',
          '-c',
          '-dr',
          '-f',
          '/etc/infra/haproxy.cfg',
        ],
        { reject: false },
      );
      // HAProxy 3.0 is silent on success; -dr downgrades the unresolvable web-0N names to NOTICEs.
      expect(String(result.stderr)).not.toMatch(/\[(ALERT|WARNING)\]/);
      expect(result.exitCode).toBe(0);
    });

    it.each(['web-01', 'web-02'])('nginx -t accepts %s/nginx.conf', async (server) => {
      const result = await execa(
        'docker',
        [
          'run',
          '--rm',
          '-v',
          `${dir}/${server}/nginx.conf:/etc/infra/nginx.conf:ro`,
          images.nginx,
          'nginx',
          '-t',
          '-c',
          '/etc/infra/nginx.conf',
        ],
        { reject: false },
      );
      expect(result.stderr).toContain('test is successful');
      expect(result.exitCode).toBe(0);
    });
  });

  describe('valid-secured firewall files', () => {
    const dir = path.join(cwd, 'valid-secured');
    /** `nft -c -f`: checks a ruleset against the kernel without applying it (needs NET_ADMIN in its own namespace). */
    const nftCheck = (file: string) =>
      execa(
        'docker',
        ['run', '--rm', '--cap-add', 'NET_ADMIN', '-v', `${file}:/f.nft:ro`, images.host, 'nft', '-c', '-f', '/f.nft'],
        { reject: false },
      );

    it.each(['lb-01', 'web-01', 'web-02'])('nft -c accepts %s/firewall.nft', async (server) => {
      const result = await nftCheck(path.join(dir, server, 'firewall.nft'));
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    });

    it.each(['lb-01', 'lb-02', 'edge'])(
      'nft -c accepts valid-redundant-all %s/firewall.nft (VRRP, the edge)',
      async (server) => {
        const result = await nftCheck(path.join(cwd, 'valid-redundant-all', server, 'firewall.nft'));
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
      },
    );

    it('a broken firewall.nft is rejected by the same check (the check can fail)', async () => {
      const broken = path.join(cwd, 'broken.nft');
      await execa('sh', ['-c', `sed 's/tcp dport 80 /tcp dport http-ish /' ${dir}/web-01/firewall.nft > ${broken}`]);
      const result = await nftCheck(broken);
      expect(result.exitCode).not.toBe(0);
    });
  });

  describe('valid-redundant keepalived files', () => {
    const dir = path.join(cwd, 'valid-redundant');
    /** keepalived's own parser (`--config-test`), in the lab's keepalived image, which also holds the check script. */
    const configTest = (file: string) =>
      execa(
        'docker',
        [
          'run',
          '--rm',
          '-v',
          `${file}:/etc/infra/keepalived.conf:ro`,
          images.keepalived,
          'keepalived',
          '--config-test',
          '--use-file=/etc/infra/keepalived.conf',
        ],
        { reject: false },
      );

    it.each(['lb-01', 'lb-02'])('keepalived --config-test accepts %s/keepalived.conf', async (server) => {
      const result = await configTest(path.join(dir, server, 'keepalived.conf'));
      expect(result.exitCode).toBe(0);
    });

    it('a broken keepalived.conf is rejected by the same check (the check can fail)', async () => {
      const broken = path.join(cwd, 'broken-keepalived.conf');
      await execa('sh', [
        '-c',
        `sed 's/advert_int .*/advert_int nonsense/; s/^}$//' ${dir}/lb-01/keepalived.conf > ${broken}`,
      ]);
      const result = await configTest(broken);
      expect(result.exitCode).not.toBe(0);
    });
  });

  /** promtool from the lab's own Prometheus image, on a mon-01 folder mounted where Prometheus reads it. */
  const promtool = (args: string[], folder: string) =>
    execa(
      'docker',
      [
        'run',
        '--rm',
        '--entrypoint',
        'promtool',
        '-v',
        `${folder}:/etc/infra/prometheus:ro`,
        '-w',
        '/etc/infra/prometheus',
        images.prometheus,
        ...args,
      ],
      { reject: false },
    );

  describe('valid-monitored Prometheus files', () => {
    const dir = path.join(cwd, 'valid-monitored');
    it('promtool check config accepts mon-01/prometheus.yml (and the rule file it names)', async () => {
      const result = await promtool(
        ['check', 'config', '/etc/infra/prometheus/prometheus.yml'],
        path.join(dir, 'mon-01'),
      );
      expect(result.stdout).toContain('SUCCESS');
      expect(result.exitCode).toBe(0);
    });

    it('promtool check rules accepts mon-01/alerts.yml; a broken rule is rejected', async () => {
      const result = await promtool(['check', 'rules', '/etc/infra/prometheus/alerts.yml'], path.join(dir, 'mon-01'));
      expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
      expect(result.exitCode).toBe(0);
      const broken = path.join(cwd, 'broken-rules');
      await execa('sh', [
        '-c',
        `mkdir -p ${broken} && sed 's/== 0$/== = 0/' ${dir}/mon-01/alerts.yml > ${broken}/alerts.yml`,
      ]);
      const rejected = await promtool(['check', 'rules', '/etc/infra/prometheus/alerts.yml'], broken);
      expect(rejected.exitCode).not.toBe(0);
    });
  });

  describe('valid-redundant-all alert rules, fed series by promtool test rules', () => {
    const dir = path.join(cwd, 'valid-redundant-all');
    /** The rule as rendered, found by name: its annotations are what promtool compares a fired alert with. */
    const annotations = (name: string) => {
      const rule = alertRules(
        buildLab(parse(readFileSync(path.join(fixturesDir, 'valid-redundant-all.yaml'), 'utf8')), {}),
        address,
      ).find((r) => r.name === name)!;
      return { summary: rule.summary, why: rule.why };
    };
    let address = '';
    /** Runs promtool's unit tests of the rendered rules (each a scrape every 5 s) and expects every one to pass. */
    const expectRuleTests = async (file: string, tests: object[]) => {
      const rules = { rule_files: ['alerts.yml'], evaluation_interval: '5s', tests };
      writeFileSync(path.join(dir, 'mon-01', file), stringify(rules));
      const result = await promtool(['test', 'rules', file], path.join(dir, 'mon-01'));
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.exitCode).toBe(0);
    };

    it('LoadBalancerDown fires 10 s after HAProxy stops answering; SplitBrain only while both LBs list the address; FloatingAddressUnheld when none does', async () => {
      const rules = readFileSync(path.join(dir, 'mon-01', 'alerts.yml'), 'utf8');
      address = /address="([\d.]+)"/.exec(rules)![1];
      const held = (server: string) =>
        `node_network_address_info{role="lb", server="${server}", address="${address}", device="eth0"}`;
      // One sample every 5 s (Prometheus's scrape): lb-01 holds the address throughout; lb-02 takes it too from
      // 30 s (a split brain); lb-01's HAProxy stops answering at 10 s.
      await expectRuleTests('alerts.test.yml', [
        {
          interval: '5s',
          input_series: [
            { series: held('lb-01'), values: '1x20' },
            { series: held('lb-02'), values: '_x5 1x14' },
            { series: 'up{job="haproxy", server="lb-01", role="lb"}', values: '1 1 0x18' },
            { series: 'up{job="haproxy", server="lb-02", role="lb"}', values: '1x20' },
          ],
          alert_rule_test: [
            { eval_time: '5s', alertname: 'LoadBalancerDown', exp_alerts: [] },
            {
              eval_time: '25s',
              alertname: 'LoadBalancerDown',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', job: 'haproxy', server: 'lb-01', role: 'lb' },
                  exp_annotations: {
                    ...annotations('LoadBalancerDown'),
                    summary: 'load balancer lb-01 does not answer',
                  },
                },
              ],
            },
            { eval_time: '25s', alertname: 'SplitBrain', exp_alerts: [] },
            { eval_time: '25s', alertname: 'FloatingAddressUnheld', exp_alerts: [] },
            {
              eval_time: '50s',
              alertname: 'SplitBrain',
              exp_alerts: [
                { exp_labels: { severity: 'critical', address }, exp_annotations: annotations('SplitBrain') },
              ],
            },
          ],
        },
        {
          interval: '5s',
          input_series: [{ series: held('lb-01'), values: '1 1 stale' }],
          alert_rule_test: [
            { eval_time: '5s', alertname: 'FloatingAddressUnheld', exp_alerts: [] },
            {
              eval_time: '40s',
              alertname: 'FloatingAddressUnheld',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', role: 'lb', address },
                  exp_annotations: annotations('FloatingAddressUnheld'),
                },
              ],
            },
          ],
        },
      ]);
    });

    it("the database rules read roles from the databases, under either flavour's names: a promote raises nothing; a read-only primary, a stopped replica and a late one do", async () => {
      const db = (name: string, server: string) => `${name}{job="mysqld", server="${server}", role="web"}`;
      const replica = (column: string, server: string, source: string) =>
        `mysql_slave_status_${column}{job="mysqld", server="${server}", role="web", master_host="${source}"}`;
      const alerting = (name: string, server: string, summary: string, extra: Record<string, string> = {}) => ({
        eval_time: '60s',
        alertname: name,
        exp_alerts: [
          {
            exp_labels: { severity: 'critical', job: 'mysqld', server, role: 'web', ...extra },
            exp_annotations: { ...annotations(name), summary },
          },
        ],
      });
      const quiet = (name: string, times: string[]) =>
        times.map((t) => ({ eval_time: t, alertname: name, exp_alerts: [] }));
      await expectRuleTests('databases.test.yml', [
        {
          // MariaDB's names; web-02 becomes the primary at 25 s (a switchover: the old primary read-only first).
          interval: '5s',
          input_series: [
            { series: db('mysql_global_variables_read_only', 'web-01'), values: '0x4 1x15' },
            { series: replica('slave_io_running', 'web-01', 'web-02'), values: '_x5 1x14' },
            { series: replica('slave_sql_running', 'web-01', 'web-02'), values: '_x5 1x14' },
            { series: db('mysql_global_variables_read_only', 'web-02'), values: '1x5 0x14' },
            { series: replica('slave_io_running', 'web-02', 'web-01'), values: '1x4 stale' },
            { series: replica('slave_sql_running', 'web-02', 'web-01'), values: '1x4 stale' },
          ],
          alert_rule_test: [
            ...quiet('PrimaryNotWritable', ['20s', '40s', '90s']),
            ...quiet('ReplicaStopped', ['20s', '40s', '90s']),
          ],
        },
        {
          // MySQL 8.4's names (SHOW REPLICA STATUS): web-01 made read-only by hand at 10 s; web-02's SQL thread
          // stops at 20 s, 20 s behind.
          interval: '5s',
          input_series: [
            { series: db('mysql_global_variables_read_only', 'web-01'), values: '0 0 1x18' },
            { series: db('mysql_global_variables_read_only', 'web-02'), values: '1x20' },
            { series: replica('replica_io_running', 'web-02', 'web-01'), values: '1x20' },
            { series: replica('replica_sql_running', 'web-02', 'web-01'), values: '1x3 0x16' },
            { series: replica('seconds_behind_source', 'web-02', 'web-01'), values: '20x20' },
          ],
          alert_rule_test: [
            ...quiet('PrimaryNotWritable', ['5s']),
            alerting(
              'PrimaryNotWritable',
              'web-01',
              'the database on web-01 replicates from no server, yet is read-only',
            ),
            alerting('ReplicaStopped', 'web-02', 'replication stopped on web-02', { master_host: 'web-01' }),
            {
              eval_time: '60s',
              alertname: 'ReplicationLag',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', server: 'web-02' },
                  exp_annotations: { ...annotations('ReplicationLag'), summary: 'web-02 is 20 s behind the primary' },
                },
              ],
            },
          ],
        },
      ]);
    });
  });

  it('a broken haproxy.cfg is rejected by the same check (the check can fail)', async () => {
    const dir = path.join(cwd, 'valid-default');
    const broken = path.join(cwd, 'broken.cfg');
    await execa('sh', ['-c', `sed 's/^    balance .*/    balance nonsense/' ${dir}/lb-01/haproxy.cfg > ${broken}`]);
    const result = await execa(
      'docker',
      ['run', '--rm', '-v', `${broken}:/c.cfg:ro`, images.haproxy, 'haproxy', '-c', '-dr', '-f', '/c.cfg'],
      { reject: false },
    );
    expect(result.exitCode).not.toBe(0);
  });
});
