import { parse } from 'yaml';
import { renderLab } from '../render/render-lab.js';
import { fixtureSite } from '../../test/helpers/fixtures.js';
import { buildLab } from '../definition/build-lab.js';
import type { Lab } from '../topology/types.js';
import { topicText } from './text.js';
import { labFacts } from './facts.js';

const spofElements = (lab: Lab) => labFacts(lab).spof.map((s) => s.element);

it('the default lab names lb-01 and the primary on web-01 as single points of failure', () => {
  const elements = spofElements(buildLab({}));
  expect(elements).toContain('lb-01');
  expect(elements).toContain('web-01-db');
  expect(elements).toContain('web-01-app, web-02-app');
});

it('a second load balancer removes lb-01 from the SPOFs (the answer comes from the model)', () => {
  const lab = buildLab({});
  const lb = lab.servers[0];
  const twoLbs: Lab = {
    ...lab,
    servers: [
      lb,
      { ...lb, name: 'lb-02', components: [{ kind: 'haproxy', name: 'lb-02-haproxy' }] },
      ...lab.servers.slice(1),
    ],
  };
  expect(spofElements(twoLbs)).not.toContain('lb-01');
  expect(spofElements(twoLbs)).toContain('web-01-db');
});

it('redundant: the LB pair leaves the SPOFs; the edge is listed as what it stands for, with the Docker host', () => {
  const facts = labFacts(buildLab({ profiles: ['redundant'] }));
  const elements = facts.spof.map((s) => s.element);
  expect(elements).not.toContain('lb-01');
  expect(elements).not.toContain('lb-02');
  expect(elements).toEqual(expect.arrayContaining(['edge', 'the Docker host']));
  expect(facts.spof.find((s) => s.element === 'edge')?.consequence).toMatch(
    /^not a single point of failure of the design/,
  );
  const ofDesign = (lab: Lab) => labFacts(lab).spof.filter((s) => s.scope === 'design').length;
  expect(ofDesign(buildLab({ profiles: ['redundant'] }))).toBeLessThan(ofDesign(buildLab({})));
  expect(facts.spof.filter((s) => s.scope === 'lab').map((s) => s.element)).toEqual(['edge', 'the Docker host']);
});

it('with no primary database on a web server, no database is a SPOF', () => {
  const lab = buildLab({});
  const noPrimary: Lab = { ...lab, servers: lab.servers.map((s) => ({ ...s, database: undefined })) };
  expect(spofElements(noPrimary).some((e) => e.endsWith('-db'))).toBe(false);
  expect(spofElements(noPrimary)).toContain('lb-01');
});

it('mode says which servers take traffic; active-passive makes web-02 the backup', () => {
  expect(labFacts(buildLab({})).mode).toMatchObject({
    mode: 'active-active',
    active: ['web-01', 'web-02'],
    backup: [],
  });
  expect(labFacts(buildLab({ mode: 'active-passive' })).mode).toMatchObject({
    mode: 'active-passive',
    active: ['web-01'],
    backup: ['web-02'],
  });
});

it('changing the balance changes the algorithm answer', () => {
  const rr = labFacts(buildLab({})).algorithm;
  const lc = labFacts(buildLab({ balance: 'leastconn' })).algorithm;
  expect(rr.balance).toBe('roundrobin');
  expect(rr.how).toMatch(/next server in turn \(web-01, web-02, then web-01 again\)/);
  expect(lc.balance).toBe('leastconn');
  expect(lc.how).toMatch(/fewest open connections/);
});

it('replication says who is primary, who replicates, and where each app reads and writes', () => {
  const facts = labFacts(buildLab({})).replication;
  expect(facts).toMatchObject({ primary: 'web-01', replicas: ['web-02'] });
  expect(facts.application).toEqual([
    { server: 'web-01', reads_from: 'web-01-db (primary)', writes_to: 'web-01-db (primary)' },
    { server: 'web-02', reads_from: 'web-02-db (replica)', writes_to: 'web-01-db (primary)' },
  ]);
});

it('security lists what is exposed and what infra narrows', () => {
  const facts = labFacts(buildLab({})).security;
  expect(facts.filter((f) => f.exposed).map((f) => f.what)).toEqual(
    expect.arrayContaining([expect.stringMatching(/plain HTTP/), expect.stringMatching(/no firewall/)]),
  );
  expect(facts.find((f) => f.what.startsWith('databases'))?.exposed).toBe(false);
  // What the rendered entrypoint grants is what explain says: both read the flavour's list.
  const accounts = facts.find((f) => f.what === 'database accounts')!.consequence;
  expect(accounts).toMatch(/^root answers only on its own server's localhost; infra logs in as its own user 'infra'/);
  expect(accounts).toContain('replication slave admin');
  expect(
    labFacts(buildLab({ database: { flavour: 'mysql' } })).security.find((f) => f.what.startsWith('replication'))
      ?.exposed,
  ).toBe(true);
});

it('live facts add the observed distribution and the stats URL', () => {
  const facts = labFacts(buildLab({}), { url: 'http://127.0.0.1:8080', observed: ['web-01', 'web-02'] });
  expect(facts.running).toBe(true);
  expect(facts.algorithm.observed).toEqual(['web-01', 'web-02']);
  expect(facts.monitoring.stats_url).toBe('http://127.0.0.1:8080/haproxy/stats');
});

it('names the ports the lab folder chose for a lab on --port auto, HTTPS too when secured', () => {
  const lab = buildLab({ profiles: ['secured'] }, { port: 'auto' });
  const security = labFacts(lab, undefined, { http: 41234, https: 41235 }).security.map((s) => s.what);
  expect(security[0]).toBe(
    'lb-01:443 published on 127.0.0.1:41235 over HTTPS (TLS 1.2 at least, 1.3 preferred, HTTP/2); :80 on 127.0.0.1:41234 only redirects to it',
  );
  expect(labFacts(lab).security[0].what).toContain('a free port chosen at render');
});

it('five servers active-passive read as English: four backups, and no choosing among one active server', () => {
  const lab = buildLab({
    mode: 'active-passive',
    balance: 'leastconn',
    servers: [
      { name: 'lb-01', role: 'lb' },
      ...['web-01', 'web-02', 'web-03', 'web-04', 'web-05'].map((name) => ({ name, role: 'web' as const })),
    ],
  });
  const facts = labFacts(lab);
  expect(topicText(facts, 'mode')).toContain(
    'web-01 takes all traffic; web-02, web-03, web-04, web-05 are backups, used only while web-01 is down.',
  );
  expect(facts.algorithm.how).toBe(
    'every request goes to web-01, the only active server; leastconn chooses among active servers, so it decides nothing until a backup takes over',
  );
  expect(topicText(labFacts(buildLab({ mode: 'active-passive' })), 'mode')).toContain('web-02 is a backup');
});

it("explain monitoring's Docker health check is the rendered compose file's: its interval and its retries", () => {
  const lab = buildLab({});
  const compose = parse(renderLab(lab, fixtureSite(lab)).find((f) => f.path === 'compose.yaml')!.content) as {
    services: Record<string, { healthcheck?: { interval: string; retries: number } }>;
  };
  const checks = Object.values(compose.services).flatMap((s) => (s.healthcheck ? [s.healthcheck] : []));
  expect(new Set(checks.map((c) => `${c.interval}/${c.retries}`)).size).toBe(1);
  const [{ interval, retries }] = checks;
  const component = labFacts(lab).monitoring.watched.find((w) => w.what === 'every component')!;
  expect(component.how).toContain(`a Docker health check every ${interval}, unhealthy after ${retries} failures`);
});

it('explain faults: each fault with what it models and what notices it here, the LB pair and alerts when the lab has them', () => {
  const builtIn = labFacts(buildLab({})).faults;
  expect(builtIn.kinds.map((k) => k.kind)).toEqual(['partition', 'loss', 'rate', 'delay', 'corrupt', 'hang', 'lag']);
  const partition = builtIn.kinds.find((k) => k.kind === 'partition')!;
  expect(partition.example).toBe('infra fault partition web-01 web-02');
  expect(partition.noticed_by.join(' ')).toMatch(/replication/);
  expect(builtIn.kinds.find((k) => k.kind === 'lag')!.example).toBe('infra fault lag web-02 30s');
  expect(builtIn.kinds.flatMap((k) => k.noticed_by).join(' ')).not.toMatch(/alert/);
  expect(builtIn.active).toEqual([]);

  const every = labFacts(buildLab({ profiles: ['secured', 'monitored', 'redundant'] })).faults;
  const split = every.kinds.find((k) => k.kind === 'partition')!;
  expect(split.example).toBe('infra fault partition lb-01 lb-02');
  expect(split.noticed_by).toContain('the SplitBrain alert (Prometheus, on the live lab page)');
  const text = topicText(labFacts(buildLab({})), 'faults');
  expect(text).toContain('hang: a process that stops answering without dying');
  expect(text).toContain('  try:       infra fault hang web-01/app');
  expect(text).toMatch(/active now: none\n$/);
});
