import { buildLab } from './build-lab.js';
import { UsageError } from '../errors.js';
import { frontLoadBalancer, primaryServer, webServers } from '../topology/types.js';

describe('the built-in lab is the design of the write-up the lab implements', () => {
  const lab = buildLab({});
  it('has lb-01 with HAProxy and two web servers with nginx, app and db', () => {
    expect(lab.servers.map((s) => [s.name, s.components.map((c) => c.name)])).toEqual([
      ['lb-01', ['lb-01-haproxy']],
      ['web-01', ['web-01-nginx', 'web-01-app', 'web-01-db']],
      ['web-02', ['web-02-nginx', 'web-02-app', 'web-02-db']],
    ]);
  });
  it('serves www.footer.com round robin, active-active, on 127.0.0.1:8080', () => {
    expect(lab).toMatchObject({ domain: 'www.footer.com', balance: 'roundrobin', mode: 'active-active', port: 8080 });
    expect(webServers(lab).map((s) => s.backup)).toEqual([false, false]);
  });
  it('puts the primary on web-01 and the replica on web-02, with distinct server ids', () => {
    expect(primaryServer(lab).name).toBe('web-01');
    expect(webServers(lab).map((s) => s.database)).toEqual([
      { role: 'primary', serverId: 1 },
      { role: 'replica', serverId: 2 },
    ]);
    expect(frontLoadBalancer(lab).database).toBeUndefined();
  });
  it('uses MariaDB and the Debian image set', () => {
    expect(lab).toMatchObject({ flavour: 'mariadb', imageSet: 'debian', name: 'lab', project: 'infra-lab' });
  });
});

it('active-passive makes every web server but the first a backup', () => {
  const lab = buildLab({ mode: 'active-passive' });
  expect(webServers(lab).map((s) => [s.name, s.backup])).toEqual([
    ['web-01', false],
    ['web-02', true],
  ]);
});

it('takes health-check timing from the server, then the lab, then the built-in default', () => {
  const lab = buildLab({
    healthCheck: { fall: 3 },
    servers: [
      { name: 'lb-01', role: 'lb' },
      { name: 'web-01', role: 'web' },
      { name: 'web-02', role: 'web', healthCheck: { intervalMs: 250 } },
    ],
  });
  expect(webServers(lab).map((s) => s.healthCheck)).toEqual([
    { intervalMs: 2000, fall: 3, rise: 2 },
    { intervalMs: 250, fall: 3, rise: 2 },
  ]);
});

it('lets flags override the file', () => {
  expect(buildLab({ name: 'file', port: 9000 }, { name: 'flag', port: 'auto' })).toMatchObject({
    name: 'flag',
    project: 'infra-flag',
    port: 'auto',
  });
});

it('reports every model problem at once', () => {
  try {
    buildLab({
      servers: [
        { name: 'web-01', role: 'web' },
        { name: 'web-01', role: 'web' },
        { name: 'x1', role: 'web' },
      ],
    });
    throw new Error('expected a UsageError');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toEqual([
      'servers[1].name: "web-01" is already used by servers[0]; give each server its own name',
      'servers: needs exactly one server with role lb (found 0)',
    ]);
  }
});

describe('the primary is named in the model, not implied by position', () => {
  it('defaults to the first web server', () => {
    expect(buildLab({}).primary).toBe('web-01');
  });
  it('can be another web server, which then holds the primary and the others replicas', () => {
    const lab = buildLab({ database: { primary: 'web-02' } });
    expect(primaryServer(lab).name).toBe('web-02');
    expect(webServers(lab).map((s) => [s.name, s.database?.role])).toEqual([
      ['web-01', 'replica'],
      ['web-02', 'primary'],
    ]);
  });
  it('must name a web server', () => {
    expect(() => buildLab({ database: { primary: 'lb-01' } })).toThrow(UsageError);
    try {
      buildLab({ database: { primary: 'web-09' } });
    } catch (error) {
      expect((error as UsageError).problems).toEqual([
        'database.primary: "web-09" is not a web server of this lab; name one of web-01, web-02',
      ]);
    }
  });
});

it("the built-in lab has no profiles; --profile replaces the file's list", () => {
  expect(buildLab({}).profiles).toEqual([]);
  expect(buildLab({ profiles: ['secured'] }, { profiles: [] }).profiles).toEqual([]);
  expect(buildLab({}, { profiles: ['secured', 'secured'] }).profiles).toEqual(['secured']);
});

it('redundant pairs the load balancer (keepalived on both) and adds the edge that publishes the ports', () => {
  const lab = buildLab({ profiles: ['redundant'] });
  expect(lab.servers.map((s) => `${s.name}:${s.role}:${s.components.map((c) => c.kind).join('+')}`)).toEqual([
    'lb-01:lb:haproxy+keepalived',
    'lb-02:lb:haproxy+keepalived',
    'web-01:web:nginx+app+db',
    'web-02:web:nginx+app+db',
    'edge:edge:socat',
  ]);
  const named = buildLab({
    profiles: ['redundant'],
    servers: [
      { name: 'front', role: 'lb' },
      { name: 'a', role: 'web' },
      { name: 'b', role: 'web' },
    ],
  });
  expect(named.servers.map((s) => s.name)).toEqual(['front', 'front-2', 'a', 'b', 'edge']);
});

it('redundant refuses a server named like one it adds, naming the field', () => {
  expect(() =>
    buildLab({
      profiles: ['redundant'],
      servers: [
        { name: 'lb-01', role: 'lb' },
        { name: 'lb-02', role: 'web' },
        { name: 'edge', role: 'web' },
      ],
    }),
  ).toThrow(
    expect.objectContaining({
      problems: [
        'servers[1].name: "lb-02" is a server the redundant profile adds (beside lb-01); rename yours',
        'servers[2].name: "edge" is a server the redundant profile adds (beside lb-01); rename yours',
      ],
    }),
  );
});

it('a secured lab publishes HTTPS on 8443 by default, on a free port with --port auto, never on the HTTP port', () => {
  expect(buildLab({ profiles: ['secured'] }).httpsPort).toBe(8443);
  expect(buildLab({ profiles: ['secured'], httpsPort: 9443 }, { port: 'auto' }).httpsPort).toBe('auto');
  expect(buildLab({ profiles: ['secured'], port: 'auto' }).httpsPort).toBe('auto');
  expect(() => buildLab({ profiles: ['secured'], port: 9000, httpsPort: 9000 })).toThrow(
    expect.objectContaining({
      problems: ["httpsPort: 9000 is also the LB's HTTP port; give HTTPS another port (default 8443)"],
    }),
  );
});

it('refuses a server named like another server\'s component, naming both (two "web-01-app" services)', () => {
  const servers = [
    { name: 'lb-01', role: 'lb' as const },
    { name: 'web-01', role: 'web' as const },
    { name: 'web-01-app', role: 'web' as const },
  ];
  expect(() => buildLab({ servers })).toThrow(
    expect.objectContaining({
      problems: [
        'servers[2].name: "web-01-app" would name both the app of servers[1] (web-01) and servers[2] (web-01-app); rename one of the servers',
      ],
    }),
  );
});

it('accepts any name for any role: the role decides what a server runs (an LB may be called web-01)', () => {
  const lab = buildLab({
    servers: [
      { name: 'web-01', role: 'lb' },
      { name: 'app-a', role: 'web' },
      { name: 'app-b', role: 'web' },
    ],
  });
  expect(lab.servers.map((s) => [s.name, s.role, s.components.map((c) => c.kind)])).toEqual([
    ['web-01', 'lb', ['haproxy']],
    ['app-a', 'web', ['nginx', 'app', 'db']],
    ['app-b', 'web', ['nginx', 'app', 'db']],
  ]);
});

it('takes two to five web servers, each holding a replica of the primary', () => {
  const web = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `web-0${i + 1}`, role: 'web' as const }));
  const lab = buildLab({ servers: [{ name: 'lb-01', role: 'lb' }, ...web(5)] });
  expect(lab.servers.filter((s) => s.database?.role === 'replica').map((s) => s.name)).toEqual([
    'web-02',
    'web-03',
    'web-04',
    'web-05',
  ]);
  expect(() => buildLab({ servers: [{ name: 'lb-01', role: 'lb' }, ...web(6)] })).toThrow(
    expect.objectContaining({ problems: ['servers: at most 5 servers with role web (found 6); remove some'] }),
  );
});

it('each profile turns on its capabilities, which is what the rest of infra asks; the built-in lab has none', () => {
  expect(buildLab({}).capabilities).toEqual({ tls: false, firewalls: false, monitoring: false, lbPair: false });
  expect(buildLab({ profiles: ['secured'] }).capabilities).toEqual({
    tls: true,
    firewalls: true,
    monitoring: false,
    lbPair: false,
  });
  expect(buildLab({ profiles: ['monitored'] }).capabilities).toMatchObject({ monitoring: true, tls: false });
  expect(buildLab({ profiles: ['redundant'] }).capabilities).toMatchObject({ lbPair: true, monitoring: false });
  const every = buildLab({ profiles: ['redundant', 'monitored', 'secured'] });
  expect(every.capabilities).toEqual({ tls: true, firewalls: true, monitoring: true, lbPair: true });
  // Applied in order whatever the order asked: mon-01 watches lb-02 too.
  expect(every.servers.find((s) => s.name === 'lb-02')!.components.map((c) => c.kind)).toContain('node-exporter');
});
