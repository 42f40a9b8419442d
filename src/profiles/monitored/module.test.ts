import vm from 'node:vm';
import { KINDS } from '../../kinds/index.js';
import { adminGrantsOf } from '../../flavours/index.js';
import { planReplication } from '../../replication/plan.js';
import { buildLab, withPrimary } from '../../definition/build-lab.js';
import { allowed, firewallPolicy } from '../secured/firewall-policy.js';

const monitored = buildLab({ profiles: ['monitored'] });

it('adds mon-01 with Prometheus, and the exporters each server needs, to the model', () => {
  expect(monitored.servers.map((s) => [s.name, s.components.map((c) => c.kind)])).toEqual([
    ['lb-01', ['haproxy', 'node-exporter']],
    ['web-01', ['nginx', 'app', 'db', 'node-exporter', 'nginx-exporter', 'mysqld-exporter']],
    ['web-02', ['nginx', 'app', 'db', 'node-exporter', 'nginx-exporter', 'mysqld-exporter']],
    ['mon-01', ['prometheus', 'node-exporter']],
  ]);
  expect(buildLab({}).servers.map((s) => s.name)).toEqual(['lb-01', 'web-01', 'web-02']);
});

it('refuses a server of your own named mon-01, and Prometheus on one of the LB ports', () => {
  const servers = [
    { name: 'lb-01', role: 'lb' as const },
    { name: 'mon-01', role: 'web' as const },
    { name: 'web-02', role: 'web' as const },
  ];
  expect(() => buildLab({ profiles: ['monitored'], servers })).toThrow(
    expect.objectContaining({
      problems: ['servers[1].name: "mon-01" is the monitoring server the monitored profile adds; rename yours'],
    }),
  );
  expect(() => buildLab({ profiles: ['monitored'], monitorPort: 8080 })).toThrow(
    expect.objectContaining({
      problems: ["monitorPort: 8080 is already one of the LB's ports; give Prometheus another (default 9090)"],
    }),
  );
});

it('with secured too, each exporter admits its scrape from mon-01 and nobody else', () => {
  const lab = buildLab({ profiles: ['secured', 'monitored'] });
  const policy = firewallPolicy(lab);
  const mon = { kind: 'server', name: 'mon-01' } as const;
  const lb = { kind: 'server', name: 'lb-01' } as const;
  for (const port of [9100, 9113, 9104]) {
    expect(allowed(policy, 'web-01', port, mon)).toBe(true);
    expect(allowed(policy, 'web-01', port, lb)).toBe(false);
    expect(allowed(policy, 'web-01', port, { kind: 'anywhere' })).toBe(false);
  }
  expect(allowed(policy, 'lb-01', 8405, mon)).toBe(true);
  expect(allowed(policy, 'lb-01', 8405, { kind: 'anywhere' })).toBe(false);
  expect(allowed(policy, 'mon-01', 9090, { kind: 'anywhere' })).toBe(true);
  expect(allowed(policy, 'mon-01', 9100, lb)).toBe(false);
});

it("makes the exporter's user on the primary, from 127.0.0.1, with the flavour's monitor privileges only", () => {
  const secrets = { replicationPassword: 'r', appPassword: 'a', exporterPassword: 'sekret' };
  for (const flavour of ['mariadb', 'mysql'] as const) {
    const lab = buildLab({ profiles: ['monitored'], database: { flavour } });
    const shown = planReplication(lab, secrets).primary.statements.map((s) => s.shown);
    const privileges =
      flavour === 'mariadb' ? 'PROCESS, BINLOG MONITOR, REPLICA MONITOR' : 'PROCESS, REPLICATION CLIENT';
    expect(shown).toContain(`GRANT ${privileges} ON *.* TO 'exporter'@'127.0.0.1'`);
    expect(shown.join('\n')).not.toContain('sekret');
    // infra may grant exactly those, in monitored labs only.
    expect(adminGrantsOf(lab).at(-1)).toEqual({ privileges, on: '*.*', grantOption: true });
    expect(adminGrantsOf(buildLab({ database: { flavour } })).some((g) => g.privileges === privileges)).toBe(false);
  }
  expect(
    planReplication(buildLab({}), secrets)
      .primary.statements.map((s) => s.shown)
      .join('\n'),
  ).not.toContain('exporter');
});

it("renders the lab page as Prometheus can serve it: no Go template action, uPlot inlined, the model's pair", () => {
  const every = buildLab({ profiles: ['monitored', 'redundant'] });
  const page = KINDS.prometheus
    .files(
      every,
      every.servers.find((s) => s.name === 'mon-01')!,
      { hostPort: 8080, subnet: '172.16.7.0/24' },
    )
    .find((f) => f.path === 'mon-01/consoles/lab.html')!.content;
  // Prometheus reads a console as a Go template: one "{{" anywhere and the page is an error.
  expect(page).not.toContain('{{');
  expect(page).toMatch(/\/\* uPlot [\d.]+ \(MIT\), bundled with the lab: it runs offline\. \*\/\n.{40000,}/s);
  expect(page).toContain('"floatingAddress":"172.16.7.5"');
  expect(page).toContain('"oneHost":true');
  // Every script of the page compiles (a clash of names would leave the diagram empty, with no other sign).
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  expect(scripts.length).toBe(3);
  for (const script of scripts) expect(() => new vm.Script(script)).not.toThrow();
});

it('gives Prometheus nothing a promote changes: it reads which database is the primary from the databases', () => {
  // A role label in prometheus.yml reached the scrapes 5 to 20 s after a promote's reload: long enough for the alert
  // on a read-only primary to blame the old primary, a replica by then.
  const loaded = (lab: ReturnType<typeof buildLab>) =>
    KINDS.prometheus
      .files(
        lab,
        lab.servers.find((s) => s.name === 'mon-01')!,
        { hostPort: 8080, subnet: '172.16.7.0/24' },
      )
      .filter((f) => f.path === 'mon-01/prometheus.yml' || f.path === 'mon-01/alerts.yml');
  const before = buildLab({ profiles: ['monitored'] });
  const after = withPrimary(before, 'web-02');
  expect(after.servers.find((s) => s.name === 'web-02')!.database!.role).toBe('primary');
  expect(loaded(after)).toEqual(loaded(before));
  expect(loaded(before)).toHaveLength(2);
});
