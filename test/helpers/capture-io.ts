// Output streams that keep what a use case writes, for tests that call main() or a use case in process.
import { PassThrough } from 'node:stream';
import type { Io } from '../../src/log.js';

export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: Io; out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, stdin: new PassThrough(), env, cwd }, out: () => out, err: () => err };
}
