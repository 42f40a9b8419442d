// What the lab teaches (its README, `infra explain`) must match what runs: each fact is read from the rendered files
// or the app's source, never restated by hand in the test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/helpers/fixtures.js';
import { labFacts } from '../explain/facts.js';
import { buildLab } from '../definition/build-lab.js';
import { renderLab } from './render-lab.js';

const rendered = (definition: Parameters<typeof buildLab>[0]) => {
  const files = renderLab(buildLab(definition), { hostPort: 8080 });
  return (p: string) => files.find((f) => f.path === p)!.content;
};

it('the app listens on 127.0.0.1:5000, where Nginx sends /api/, and the README says so', () => {
  const file = rendered({});
  const source = readFileSync(path.join(repoRoot, 'lab-app', 'server.ts'), 'utf8');
  const [, port, host] = /server\.listen\((\d+), '([\d.]+)'/.exec(source)!;
  expect(file('web-01/nginx.conf')).toContain(`server ${host}:${port};`);
  expect(file('README.md')).toContain(`| web-01 | web-01-app | app | ${host}:${port} (web-01 only) | - |`);
  expect(file('README.md')).not.toMatch(/web-0\d:5000/);
  const security = labFacts(buildLab({}))
    .security.map((f) => f.consequence)
    .join(' ');
  expect(security).not.toMatch(/apps on 5000/);
});

it('balance first gives every web server a maxconn, so "the next server once the first is full" happens', () => {
  const servers = rendered({ balance: 'first' })('lb-01/haproxy.cfg')
    .split('\n')
    .filter((l) => /^\s+server web-/.test(l));
  expect(servers).toHaveLength(2);
  for (const line of servers) expect(line).toMatch(/ maxconn \d+/);
  expect(rendered({})('lb-01/haproxy.cfg')).not.toMatch(/^\s+server web-.* maxconn/m);
});

it('the README says how infra reaches the databases the lab does not publish: its forwarder, publishing nothing', () => {
  const readme = rendered({})('README.md');
  expect(readme).toMatch(/forwarder container on the lab network \(`infra-lab-forward`\), which publishes nothing/);
});

it("every command in a lab's README names the lab, unless it is the default one", () => {
  const commands = (readme: string) => readme.split('\n').filter((l) => /^infra /.test(l));
  const named = commands(rendered({ name: 'ci-7' })('README.md'));
  expect(named.length).toBeGreaterThan(3);
  for (const line of named) expect(line).toMatch(/^infra [a-z ]+((web|lb)-0\d )?--name ci-7 /);
  for (const line of commands(rendered({})('README.md'))) expect(line).not.toContain('--name');
});

it.each(['mariadb', 'mysql'] as const)('no %s health check puts a password on a command line', (flavour) => {
  for (const images of ['debian', 'upstream'] as const) {
    const compose = rendered({ database: { flavour }, images })('compose.yaml');
    const tests = compose.split('\n').filter((l) => l.includes('test: ['));
    expect(tests.length).toBeGreaterThan(0);
    for (const line of tests) expect(line).not.toMatch(/ -p|--password/);
  }
});
