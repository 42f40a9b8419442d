// A use-case harness over the fakes: FakeRuntime for Docker, FakeDatabases for the lab's databases, captured
// output streams, a temporary working directory. No engine, no network beyond 127.0.0.1.
import { runtimeEnv, type AppEnv } from '../../src/app/context.js';
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
  stdout(): string;
  stderr(): string;
}

export function fakeLab(runtime = new FakeRuntime()): FakeLab {
  const cwd = tempDir('infra-fake-');
  const { io, out, err } = captureIo(cwd, { NO_COLOR: '1' });
  const databases = new FakeDatabases((port) => runtime.forwardedServer.get(port));
  return {
    runtime,
    databases,
    cwd,
    io,
    env: (signal) => runtimeEnv(io, async () => runtime, { openSession: databases.open, signal }),
    stdout: out,
    stderr: err,
  };
}
