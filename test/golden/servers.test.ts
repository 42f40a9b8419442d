// Golden renders of infra deploy's Ansible project: the built-in lab on Debian 13 servers (the release the end-to-end
// test deploys to), and the MySQL lab on Ubuntu (24.04 web servers with MySQL 8.0, a 22.04 LB), which is rendered
// and checked here only: no Ubuntu mirror or MySQL server can be had on this machine.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { parseDefinition } from '../../src/definition/definition.js';
import { buildLab } from '../../src/definition/build-lab.js';
import { renderAnsibleProject } from '../../src/targets/ansible-project.js';
import { hasProfile } from '../../src/topology/types.js';
import { withoutEdge } from '../../src/profiles/redundant/module.js';
import { fixtureServers, fixtureText, repoRoot, withoutInlinedAssets } from '../helpers/fixtures.js';

const update = process.env.UPDATE_GOLDEN === '1';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const hasAnsibleLint = execaSync('sh', ['-c', 'command -v ansible-lint'], { reject: false }).exitCode === 0;
const itWithAnsibleLint = hasAnsibleLint || inCi ? it : it.skip;
const BUNDLE = 'ansible/app/server.js';

const CASES: { golden: string; fixture: string; releases: Record<string, string> }[] = [
  { golden: 'servers-debian-13', fixture: 'valid-default', releases: { 'lb-01': 'debian 13', web: 'debian 13' } },
  {
    golden: 'servers-secured-monitored-debian-13',
    fixture: 'valid-secured-monitored',
    releases: { 'lb-01': 'debian 13', 'mon-01': 'debian 13', web: 'debian 13' },
  },
  {
    golden: 'servers-secured-debian-12',
    fixture: 'valid-secured',
    releases: { 'lb-01': 'debian 12', web: 'debian 12' },
  },
  {
    // Every profile on real servers: the LB pair (no edge), keepalived by unicast, VRRP let through the firewalls.
    golden: 'servers-redundant-all-debian-13',
    fixture: 'valid-redundant-all',
    releases: { lb: 'debian 13', 'mon-01': 'debian 13', web: 'debian 13' },
  },
  {
    golden: 'servers-ubuntu-mysql',
    fixture: 'valid-mysql',
    releases: { 'lb-01': 'ubuntu 22.04', web: 'ubuntu 24.04' },
  },
];

function render(fixture: string, releases: Record<string, string>) {
  const parsed = parseDefinition(fixtureText(fixture), fixture);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  let lab = withoutEdge(buildLab(parsed.definition));
  const servers = fixtureServers(lab, (s) => releases[s.name] ?? releases[s.role] ?? releases.web);
  lab = { ...lab, databaseVersion: Object.values(servers).find((s) => s.database)?.database?.version };
  const floating = hasProfile(lab, 'redundant') ? { address: '10.0.0.100', prefix: 24 } : undefined;
  return renderAnsibleProject(lab, servers, floating).map((f) =>
    f.path === BUNDLE
      ? { ...f, content: 'the bundle of lab-app/server.ts (npm run build)\n' }
      : { ...f, content: withoutInlinedAssets(f.content) },
  );
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe.each(CASES)('$golden', ({ golden, fixture, releases }) => {
  const files = render(fixture, releases);
  const dir = path.join(repoRoot, 'test', 'golden', golden);
  if (update) {
    rmSync(dir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
  }

  it('renders the same set of files as its golden', () => {
    expect(files.map((f) => f.path).sort()).toEqual(listFiles(dir).sort());
  });

  it.each(files.map((f) => f.path))('%s matches its golden', (file) => {
    expect(files.find((f) => f.path === file)!.content).toBe(readFileSync(path.join(dir, file), 'utf8'));
  });

  it('is deterministic: same input, same bytes', () => {
    expect(render(fixture, releases)).toEqual(files);
  });

  // Debian's ansible-lint, offline, with the project's own .ansible-lint (the production profile; every skipped rule
  // named there with its reason). CI installs it (.ci/run); elsewhere the test needs it installed to run.
  itWithAnsibleLint('passes ansible-lint at its production profile', async () => {
    const run = await execa('ansible-lint', ['--offline', '--nocolor'], {
      cwd: path.join(dir, 'ansible'),
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(run.stdout + run.stderr).toContain('Passed with production profile: 0 failure(s), 0 warning(s)');
    expect(run.exitCode).toBe(0);
  });
});
