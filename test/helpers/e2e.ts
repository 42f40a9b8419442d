// Shared helpers of the end-to-end tests: they drive the built binary against the real Docker engine, one lab per
// test file under a unique name, torn down even when a test fails. With CI=true a missing engine fails the suite.
import { execa, execaSync } from 'execa';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';
import { PORTS } from '../../src/topology/lab-constants.js';
import { tempDir as removedTempDir } from './temp-dir.js';

export const infraBin = path.join(repoRoot, 'bin', 'infra');

const engineUp = execaSync('docker', ['info'], { reject: false }).exitCode === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Runs the suite when an engine answers; skips it on a developer machine without one; in CI, runs it so it fails. */
export const describeWithDocker = engineUp || inCi ? describe : describe.skip;

export function requireEngine(): void {
  if (!engineUp) {
    throw new Error('CI=true and no Docker engine answers `docker info`: the end-to-end tests cannot be skipped in CI');
  }
}

let counter = 0;
/** A lab name no other test (or earlier run) uses. */
export function uniqueLabName(prefix: string): string {
  counter += 1;
  return `e2e-${prefix}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`;
}

/** A working folder for one test file, removed when the file ends (after its labs are torn down). */
export function tempDir(): string {
  return removedTempDir('infra-e2e-');
}

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Where the suite's time goes, a command at a time: with INFRA_E2E_COMMAND_LOG=<file>, each infra command a test ran
 * appends `<ended, epoch ms> <took, ms> <test> | <arguments>`.
 */
function logCommand(args: string[], durationMs: number): void {
  const file = process.env.INFRA_E2E_COMMAND_LOG;
  if (!file) return;
  const test = expect.getState().currentTestName ?? '(before the tests)';
  appendFileSync(file, `${Date.now()} ${durationMs.toFixed(0)} ${test} | ${args.join(' ')}\n`);
}

export async function infra(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  const result = await execa('node', [infraBin, ...args], {
    cwd: options.cwd,
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    timeout: 15 * 60_000,
  });
  logCommand(args, result.durationMs);
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** One command to the runtime API of a lab's haproxy container (its TCP socket on the LB's loopback), as infra sends it. */
export async function haproxyApi(haproxyContainer: string, command: string): Promise<string> {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${PORTS.haproxyApi} && printf '%s\\n' "$1" >&3 && cat <&3`;
  return docker(['exec', haproxyContainer, 'bash', '-c', script, 'haproxy-api', command]);
}

export async function docker(args: string[]): Promise<string> {
  const result = await execa('docker', args, { reject: false });
  if (result.exitCode !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return String(result.stdout).trim();
}

/** A statement run as root inside a lab's database container (the test's own view of the data): rows, tab-separated. */
export async function labSql(lab: string, server: string, query: string): Promise<string> {
  return docker(['exec', `infra-${lab}-${server}-db`, 'mariadb', '-N', '-B', '-e', query]);
}

/** Names of containers, networks or volumes carrying a label. */
export async function byLabel(kind: 'container' | 'network' | 'volume', label: string): Promise<string[]> {
  const args =
    kind === 'container'
      ? ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']
      : [kind, 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}'];
  const out = await docker(args);
  return out ? out.split('\n').sort() : [];
}

/** GET through the lab's published port (127.0.0.1 only). */
export async function get(url: string): Promise<{ status: number; servedBy: string | null; body: string }> {
  const response = await fetch(url);
  return { status: response.status, servedBy: response.headers.get('x-served-by'), body: await response.text() };
}

/** Polls `probe` (every 0.5 s) until it returns a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * A request as a user's curl sends it through a lab's published HTTPS port, trusting only the lab's CA (`caFile`);
 * `pin` asks HAProxy for one web server.
 */
export async function curlLab(
  url: string,
  caFile: string,
  { method = 'GET', path: where = '/', pin }: { method?: string; path?: string; pin?: string } = {},
): Promise<{ code: number; servedBy: string; seconds: number }> {
  const result = await execa(
    'curl',
    [
      ...['-sS', '-m', '15', '-X', method, '--cacert', caFile, '-o', '/dev/null', '-D', '-'],
      ...['-w', '\n%{http_code} %{time_total}', ...(pin ? ['-H', `X-Infra-Server: ${pin}`] : []), `${url}${where}`],
    ],
    { reject: false },
  );
  const [code, seconds] = String(result.stdout).trim().split('\n').at(-1)!.split(' ');
  const servedBy = /^x-served-by: (\S+)/im.exec(String(result.stdout))?.[1] ?? '';
  return { code: Number(code), servedBy, seconds: Number(seconds) };
}

/**
 * A command that serves a page until Ctrl-C (`infra watch`, `infra room serve`): its URL once the page is served, and
 * `stop`, which interrupts it as Ctrl-C does and gives its exit code. The URL is listened for at once: execa reads the
 * output as it comes, so a line printed while the caller awaits something else (a browser starting) would be missed,
 * and the wait would never end.
 */
export function servingPage(
  args: string[],
  cwd: string,
): { url: Promise<string>; stop(): Promise<number | undefined> } {
  const watch = execa('node', [infraBin, ...args], { cwd, env: { NO_COLOR: '1' } });
  const url = new Promise<string>((resolve, reject) => {
    watch.stdout!.once('data', (chunk: Buffer) => resolve(String(chunk).trim()));
    watch.once('exit', (code) => reject(new Error(`infra ${args[0]} exited (${code})`)));
  });
  url.catch(() => undefined); // awaited by the caller; this only keeps an early exit from being unhandled
  return {
    url,
    async stop() {
      watch.kill('SIGINT');
      return (await watch.catch((e: { exitCode?: number }) => e)).exitCode;
    },
  };
}

/** `infra watch` on a lab (servingPage). */
export function watchLab(lab: string, cwd: string): ReturnType<typeof servingPage> {
  return servingPage(['watch', '--name', lab], cwd);
}
