// Runs a command in a container through the engine API, as `docker exec` does, without a docker CLI process (one
// fewer process start on every exec; status, smoke and drills run dozens). A container that is gone, stopped or
// paused is an exit code and the engine's message, as the CLI prints it, never a throw.
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { CommandResult } from './port.js';

export async function execIn(
  docker: Docker,
  container: string,
  command: string[],
  options: { timeoutMs?: number } = {},
): Promise<CommandResult & { timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const exec = await docker.getContainer(container).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = collect();
    const stderr = collect();
    // No TTY: the engine frames stdout and stderr on one stream.
    docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
    const ended = new Promise<boolean>((resolve) => {
      stream.on('end', () => resolve(true));
      stream.on('close', () => resolve(true));
      stream.on('error', () => resolve(true));
    });
    const late = new Promise<boolean>((resolve) => {
      if (options.timeoutMs !== undefined) timer = setTimeout(() => resolve(false), options.timeoutMs);
    });
    const inTime = await Promise.race([ended, late]);
    stream.destroy();
    if (!inTime) return { exitCode: 124, stdout: stdout.text(), stderr: stderr.text(), timedOut: true };
    return { exitCode: await exitCode(exec), stdout: stdout.text(), stderr: stderr.text(), timedOut: false };
  } catch (error) {
    const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
    return { exitCode: 1, stdout: '', stderr: `Error response from daemon: ${message}\n`, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

/** The output ends as the process exits; the engine may record its exit code a moment later. */
async function exitCode(exec: Docker.Exec): Promise<number> {
  for (let tries = 0; ; tries++) {
    const state = await exec.inspect();
    if (!state.Running) return state.ExitCode ?? 1;
    if (tries === 50) return 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A sink that keeps what is written at once (no buffering between the demuxer and the text). */
function collect(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}
