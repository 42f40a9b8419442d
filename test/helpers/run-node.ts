// Runs Node scripts and shell pipelines as child processes, for the unit tests that need a fresh process (module
// loading, a parser that needs a DOM, a pipe whose reader leaves, a generated shell script). Plain child_process:
// only src/runtime/ uses execa.
import { spawn } from 'node:child_process';

interface Ran {
  stdout: string;
  stderr: string;
  code: number | null;
}

function collect(
  command: string,
  args: string[],
  options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // A child that reads no input may exit before it is written: give it none unless there is some.
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

async function succeeded(ran: Promise<Ran>, what: string): Promise<{ stdout: string }> {
  const { stdout, stderr, code } = await ran;
  if (code !== 0) throw new Error(`${what} exited ${code}: ${stderr}`);
  return { stdout };
}

export function runNode(args: string[], options: { cwd: string; input?: string }): Promise<{ stdout: string }> {
  return succeeded(collect(process.execPath, args, options), `node ${args[0]}`);
}

/** A shell pipeline's stderr and exit code (a pipe's reader closing early is the point). */
export async function runShell(
  command: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ stderr: string; code: number | null }> {
  const { stderr, code } = await collect('sh', ['-c', command], options);
  return { stderr, code };
}

/** A bash script's stdout (for testing what a generated shell script does). */
export function runShellOut(script: string, cwd: string): Promise<{ stdout: string }> {
  return succeeded(collect('bash', ['-c', script], { cwd }), 'bash');
}
