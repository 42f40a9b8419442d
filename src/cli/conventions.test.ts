// The conventions users of Compose, kind and containerlab expect, and user mistakes answered as user mistakes
// (exit 2 with the fix), never as "a bug in infra". In process, no Docker engine needed.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { captureIo } from '../../test/helpers/capture-io.js';
import { repoRoot } from '../../test/helpers/fixtures.js';
import { runShell, runShellOut } from '../../test/helpers/run-node.js';
import { describeInfra, THIS_INFRA } from '../version.js';
import { main } from './main.js';
import { tempDir } from '../../test/helpers/temp-dir.js';

const tmp = () => tempDir('infra-cli-');
const noEngine = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const cleanups: (() => unknown)[] = [];
const afterTest = (fn: () => unknown) => cleanups.push(fn);
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

async function run(args: string[], cwd = tmp(), env: NodeJS.ProcessEnv = {}) {
  const t = captureIo(cwd, env);
  const code = await main(args, t.io);
  return { code, out: t.out(), err: t.err(), cwd };
}

function withDefinition(text: string): string {
  const cwd = tmp();
  writeFileSync(path.join(cwd, 'infra.yaml'), text);
  return cwd;
}

describe('version and help', () => {
  it('bare `infra` prints help on stdout and exits 0', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: infra \[options\] \[command\]/);
  });
  it('`infra version`, --version and -V print the version and commit; -v stays --verbose', async () => {
    for (const args of [['version'], ['--version'], ['-V']]) {
      const r = await run(args);
      expect([r.code, r.out]).toEqual([0, `${describeInfra(THIS_INFRA)}\n`]);
    }
    expect((await run(['-v', 'render'])).code).toBe(0);
  });
});

describe('bad flags exit 2 and name the flag', () => {
  it('--name with a space blames --name, not the lab definition', async () => {
    const r = await run(['render', '--name', 'Bad Name']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '-n, --name <lab>' argument 'Bad Name' is invalid");
    expect(r.err).not.toContain('built-in lab');
  });
  it('--timeout takes whole seconds', async () => {
    const r = await run(['up', '--timeout', 'abc', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('must be a whole number of seconds');
  });
});

describe('user mistakes are exit 2 with the fix, not internal errors', () => {
  it('init into a folder that does not exist', async () => {
    const r = await run(['init', 'sub/dir/x.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the folder .*sub\/dir does not exist/);
    expect(r.err).toContain('mkdir -p');
    expect(r.err).not.toContain('bug in infra');
  });
  it('render into a path that is a file', async () => {
    const cwd = tmp();
    writeFileSync(path.join(cwd, 'taken'), 'mine\n');
    const r = await run(['render', '-o', 'taken'], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a file (or lies under one), not a lab folder; nothing was written');
    expect(readFileSync(path.join(cwd, 'taken'), 'utf8')).toBe('mine\n');
  });
  it('a YAML alias bomb', async () => {
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    ];
    bomb.push('d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]');
    const r = await run(['render'], withDefinition(bomb.join('\n') + '\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('uses YAML aliases (*name) more than 100 times over');
  });
  it('two YAML documents in one file', async () => {
    const r = await run(['render'], withDefinition('name: one\n---\nname: two\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('infra.yaml:2:1: a second YAML document starts here');
  });
  it('an octal or hex port is refused, not read as another number', async () => {
    const r = await run(['render'], withDefinition('port: 0o17\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('port: must be a port from 1 to 65535, or "auto" (got "0o17")');
  });
});

describe('a lab folder knows its lab', () => {
  it('render -n ci-7 -o DIR, then a plain render -o DIR keeps the lab "ci-7"', async () => {
    const cwd = tmp();
    const first = await run(['render', '-n', 'ci-7', '-o', 'labdir'], cwd);
    expect(first.code).toBe(0);
    expect(first.err).toContain('next: infra up -d labdir\n');
    const again = await run(['render', '-o', 'labdir'], cwd);
    expect(again.err).toContain('rendered lab "ci-7"');
    expect(JSON.parse(readFileSync(path.join(cwd, 'labdir/.infra/lab.json'), 'utf8')).lab).toBe('ci-7');
    expect(readFileSync(path.join(cwd, 'labdir/compose.yaml'), 'utf8')).toContain('name: infra-ci-7');
  });
  it('a command run inside a lab folder acts on its lab, from the definition it was rendered from', async () => {
    const cwd = withDefinition('name: shop\nbalance: leastconn\n');
    expect((await run(['render'], cwd)).code).toBe(0);
    const inside = path.join(cwd, 'infra-labs', 'shop');
    const plan = await run(['explain', 'algorithm', '--json'], inside, noEngine);
    expect(JSON.parse(plan.out)).toMatchObject({ lab: 'shop', algorithm: { balance: 'leastconn' } });
  });
  it('--dir that is no lab folder is refused by commands that act on a lab', async () => {
    const r = await run(['status', '--dir', 'nowhere'], tmp(), noEngine);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nowhere is not a lab folder/);
  });
});

it('teardown does not read a broken infra.yaml when --name is given', async () => {
  const cwd = withDefinition('balance: [nope\n');
  // In process, the runtime reads DOCKER_HOST from the process: point it nowhere for this test.
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = noEngine.DOCKER_HOST;
  afterTest(() => (saved === undefined ? delete process.env.DOCKER_HOST : (process.env.DOCKER_HOST = saved)));
  for (const args of [['status'], ['down'], ['fail', 'web-01'], ['reset', '--yes']]) {
    const r = await run([...args, '--name', 'other'], cwd, noEngine);
    // Past the definition: what stops it now is the missing engine (exit 3), not the YAML (exit 2).
    expect([args[0], r.code]).toEqual([args[0], 3]);
  }
  expect((await run(['status'], cwd, noEngine)).code).toBe(2);
});

it('`infra … | head -1` ends quietly: no EPIPE stack trace', async () => {
  const cwd = tmp();
  mkdirSync(path.join(cwd, 'x'));
  const bin = path.join(repoRoot, 'bin', 'infra');
  const { stderr, code } = await runShell(`node ${bin} explain | head -c 1 >/dev/null`, { cwd, env: noEngine });
  expect(code).toBe(0);
  expect(stderr).toBe('');
  expect(existsSync(bin)).toBe(true);
});

describe('--json on every command that reports: stdout holds only JSON, even on failure', () => {
  it('render --json', async () => {
    const r = await run(['render', '--json', '--port', '9191']);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      lab: 'lab',
      port: 9191,
      written: expect.arrayContaining(['compose.yaml']),
    });
  });
  it('up --dry-run --json', async () => {
    const r = await run(['up', '--dry-run', '--json']);
    const body = JSON.parse(r.out);
    expect(body).toMatchObject({ ok: true, dry_run: true, lab: 'lab' });
    expect(body.replication.replicas[0].configure.join('\n')).toContain("MASTER_PASSWORD='***'");
  });
  it('a usage error with --json', async () => {
    const r = await run(['render', '--json'], withDefinition('balance: nope\n'));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      error: {
        message: 'infra.yaml is invalid',
        detail: '',
        problems: ['balance: must be one of roundrobin, leastconn, source, first (got "nope")'],
      },
    });
  });
  it('doctor --json', async () => {
    const r = await run(['doctor', '--json', '--port', 'auto']);
    const body = JSON.parse(r.out);
    expect(body.findings.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['docker engine', 'compose v2', 'free memory']),
    );
    for (const f of body.findings) expect(['passed', 'failed', 'skipped']).toContain(f.status);
  });
});

describe('shell completion, generated from the commands themselves', () => {
  const complete = async (line: string[]) => {
    const script = (await run(['completion', 'bash'])).out;
    const cwd = tmp();
    writeFileSync(path.join(cwd, 'c.sh'), script);
    const words = line.map((w) => `'${w}'`).join(' ');
    const { stdout } = await runShellOut(
      `source ./c.sh; COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _infra; echo "\${COMPREPLY[@]}"`,
      cwd,
    );
    return stdout.trim();
  };
  it('completes commands, their flags and subcommands in a real bash', async () => {
    expect(await complete(['infra', 'st'])).toBe('status');
    expect(await complete(['infra', 'status', '--ve'])).toBe('--verify');
    expect(await complete(['infra', 'images', ''])).toBe('build save load');
    expect(await complete(['infra', 'images', 'build', '--no'])).toBe('--no-cache');
  });
  it('zsh gets the same function through bashcompinit; another shell is a usage error', async () => {
    expect((await run(['completion', 'zsh'])).out).toContain('bashcompinit');
    expect((await run(['completion', 'fish'])).code).toBe(2);
  });
});

it("the lab folder keeps its passwords out of git, and a user's own .gitignore is kept", async () => {
  const cwd = tmp();
  await run(['render'], cwd);
  const gitignore = path.join(cwd, 'infra-labs/lab/.gitignore');
  expect(readFileSync(gitignore, 'utf8').split('\n')).toContain('.env');
  writeFileSync(gitignore, '.env\nmy-notes/\n');
  await run(['render'], cwd);
  expect(readFileSync(gitignore, 'utf8')).toBe('.env\nmy-notes/\n');
});
