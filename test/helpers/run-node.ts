// Runs a Node script as a child process for the unit tests that need a fresh process (module loading, a parser that
// needs a DOM). Plain child_process: only src/runtime/ uses execa.
import { spawn } from 'node:child_process';

export function runNode(args: string[], options: { cwd: string; input?: string }): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout }) : reject(new Error(`node ${args[0]} exited ${code}: ${stderr}`)),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a shell pipeline and returns its stderr and exit code (a pipe's reader closing early is the point). */
export function runShell(
  command: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stderr, code }));
  });
}
