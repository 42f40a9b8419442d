// Adding a component kind is one folder plus its line in the kinds' record (docs/ARCHITECTURE.md, "A component
// kind"): this test defines a kind nowhere but here — a cache beside the app on each web server, as a course would add
// one — puts it in the record the way that line would, and builds, renders and explains labs with it, in Docker and
// on real servers, without any other module knowing it.
import { jest } from '@jest/globals';
import { parse } from 'yaml';
import type { KindSpec } from '../src/kinds/kind.js';
import { DAEMON_ROLE } from '../src/kinds/kind.js';
import { file } from '../src/templating/rendered-file.js';
import { httpProbe, HEALTH_INTERVAL } from '../src/templating/service-parts.js';
import { LABEL } from '../src/topology/labels.js';
import type { ComponentKind } from '../src/topology/types.js';
import { fixtureServers, fixtureSite, fixtureText } from './helpers/fixtures.js';

// The actual record first; then the modules under test see it with the new kind's line added.
const actual = await import('../src/kinds/index.js');

const CACHE_PORT = 11211;
const cache = {
  kind: 'cache' as ComponentKind,
  runsOn: ['web'],
  // After the database, before the app that uses it.
  memoryMiB: 4,
  startRank: 0.5,
  listens: CACHE_PORT,
  reach: 'loopback',
  upstreamImage: () => 'memcached:1.6-bookworm',
  builtHere: () => false,
  buildExtras: () => [],
  files: (_lab, server) => [file(`${server.name}/cache.conf`, `-m 64\n-l 127.0.0.1\n-p ${CACHE_PORT}\n`)],
  sharedFiles: () => [],
  configFiles: (_lab, server) => [`${server.name}/cache.conf`],
  service: () => ({
    command: ['memcached', '-m', '64', '-l', '127.0.0.1', '-p', String(CACHE_PORT)],
    environment: [],
    volumes: [],
    healthcheck: { test: httpProbe('/', CACHE_PORT), interval: HEALTH_INTERVAL, startPeriod: '5s' },
  }),
  dataVolumes: () => [],
  why: (_lab, server) =>
    `the cache keeps answers ${server.name}'s app computed, so repeated requests skip the database`,
  diagramLabel: () => `Cache :${CACHE_PORT}`,
  onServer: { role: DAEMON_ROLE, package: 'memcached', service: () => 'memcached', programs: ['memcached'] },
} satisfies KindSpec as unknown as KindSpec;

const KINDS = { ...actual.KINDS, cache } as typeof actual.KINDS;
jest.unstable_mockModule('../src/kinds/index.js', () => ({
  KINDS,
  allKinds: () => Object.values(KINDS),
  kindOf: (kind: ComponentKind) => KINDS[kind],
}));

const { parseDefinition } = await import('../src/definition/definition.js');
const { buildLab } = await import('../src/definition/build-lab.js');
const { renderLab } = await import('../src/render/render-lab.js');
const { labFacts } = await import('../src/explain/facts.js');
const { renderAnsibleProject } = await import('../src/targets/ansible-project.js');

function labOf(fixture: string) {
  const parsed = parseDefinition(fixtureText(fixture), fixture);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return buildLab(parsed.definition);
}

describe('a kind defined only in this test (a cache on each web server)', () => {
  const lab = labOf('valid-default');
  const files = renderLab(lab, fixtureSite(lab));
  const content = (path: string) => files.find((f) => f.path === path)?.content;

  it('runs on every web server of the model, and on no load balancer', () => {
    const caches = lab.servers.filter((s) => s.components.some((c) => c.name === `${s.name}-cache`));
    expect(caches.map((s) => s.name)).toEqual(['web-01', 'web-02']);
    expect(lab.servers.find((s) => s.role === 'lb')!.components.map((c) => c.kind)).toEqual(['haproxy']);
  });

  it('is a Compose service in its server network namespace, with its image, command, health check and config hash', () => {
    const compose = parse(content('compose.yaml')!);
    const service = compose.services['web-01-cache'];
    expect(service.image).toBe('memcached:1.6-bookworm');
    expect(service.command).toEqual(['memcached', '-m', '64', '-l', '127.0.0.1', '-p', '11211']);
    expect(service.network_mode).toBe('service:web-01');
    expect(service.healthcheck.interval).toBe(HEALTH_INTERVAL);
    // The hash of its config file, so that a changed cache.conf recreates exactly this container.
    expect(service.labels[LABEL.config]).toMatch(/^[0-9a-f]{12,}$/);
    expect(compose.services['lb-01-cache']).toBeUndefined();
  });

  it('has its own files rendered for each server', () => {
    expect(content('web-01/cache.conf')).toContain('-p 11211');
    expect(content('web-02/cache.conf')).toContain('-p 11211');
  });

  it('is drawn in the README and said by explain elements', () => {
    expect(content('README.md')).toContain('Cache :11211');
    const web01 = labFacts(lab).elements.find((e) => e.server === 'web-01')!;
    expect(web01.components).toContainEqual({
      name: 'web-01-cache',
      kind: 'cache',
      why: "the cache keeps answers web-01's app computed, so repeated requests skip the database",
    });
  });

  it('is installed on real servers as a packaged daemon, in the order of its start rank', () => {
    const project = renderAnsibleProject(lab, fixtureServers(lab));
    const vars = (path: string) => parse(project.find((f) => f.path === path)!.content);
    const web01 = vars('ansible/host_vars/web-01.yml');
    expect(web01.infra_packages).toContain('memcached');
    expect(web01.infra_roles).toEqual(['db', DAEMON_ROLE, 'app', 'nginx']);
    expect(web01.infra_daemons).toContainEqual(expect.objectContaining({ package: 'memcached', service: 'memcached' }));
    expect(vars('ansible/host_vars/lb-01.yml').infra_packages).not.toContain('memcached');
    expect(vars('ansible/group_vars/all.yml').infra_programs).toContain('memcached');
  });
});
