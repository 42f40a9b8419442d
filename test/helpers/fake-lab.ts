// A use-case harness over the fakes: FakeRuntime for Docker, FakeDatabases for the lab's databases, captured
// output streams, a temporary working directory. No engine, no network beyond 127.0.0.1.
import { runtimeEnv, type AppEnv } from '../../src/app/context.js';
import { upLab, type UpOptions } from '../../src/app/up.js';
import { presentUp } from '../../src/cli/presenters/up.js';
import { FakeDatabases } from '../../src/database/fake-databases.js';
import type { Io } from '../../src/log.js';
import { FakeRuntime } from '../../src/runtime/fake-runtime.js';
import { captureIo } from './capture-io.js';
import { tempDir } from './temp-dir.js';

export interface FakeLab {
  runtime: FakeRuntime;
  databases: FakeDatabases;
  cwd: string;
  io: Io;
  env(signal?: AbortSignal): AppEnv;
  /** `infra up` over the fakes: the use case, then its presenter (JSON on stdout under json; a failure thrown in text). */
  up(options: UpOptions, signal?: AbortSignal): Promise<number>;
  stdout(): string;
  stderr(): string;
}

export function fakeLab(runtime = new FakeRuntime()): FakeLab {
  const cwd = tempDir('infra-fake-');
  const { io, out, err } = captureIo(cwd, { NO_COLOR: '1' });
  const databases = new FakeDatabases((port) => runtime.forwardedServer.get(port));
  const env = (signal?: AbortSignal) => runtimeEnv(io, async () => runtime, { openSession: databases.open, signal });
  return {
    runtime,
    databases,
    cwd,
    io,
    env,
    up: async (options, signal) => presentUp(io, await upLab(env(signal), options), options),
    stdout: out,
    stderr: err,
  };
}
