// dockerode, with what most commands never use loaded on first use. docker-modem's SSH agent (ssh2, for ssh://
// engines), dockerode's BuildKit session (gRPC and protobufjs), its build-context packer (tar-fs: infra builds through
// `docker build`) and docker-modem's hijacked-stream class (readable-stream: only exec and the forwarder's relay use
// it) load with the library: ~100 ms of every command that speaks to Docker. Each waits in Node's module cache as a
// stand-in that loads the real module when first used.
import { createRequire } from 'node:module';
import type DockerType from 'dockerode';

const require = createRequire(import.meta.url);
const dockerodeMain = require.resolve('dockerode');
const fromDockerode = createRequire(dockerodeMain);
const fromModem = () => createRequire(fromDockerode.resolve('docker-modem'));

/**
 * Puts a stand-in for a module in the cache: for one that exports a function or class, a function that calls or
 * constructs the real one; for one that exports an object, an object whose every property is read from the real one.
 * A layout it does not find is left as is.
 */
function deferModule(resolve: () => string, exports: 'function' | 'object'): void {
  let file: string;
  try {
    file = resolve();
  } catch {
    return;
  }
  if (require.cache[file]) return;
  let real: unknown;
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      real = require(file);
    }
    return real;
  };
  const standIn =
    exports === 'function'
      ? function (this: unknown, ...args: unknown[]) {
          const fn = load() as (...a: unknown[]) => unknown;
          return new.target ? Reflect.construct(fn, args) : fn.apply(this, args);
        }
      : new Proxy({}, { get: (_, key) => (load() as Record<string | symbol, unknown>)[key] });
  require.cache[file] = { id: file, filename: file, loaded: true, exports: standIn } as unknown as NodeJS.Module;
}

deferModule(() => fromModem().resolve('./ssh'), 'function');
deferModule(() => fromModem().resolve('./http_duplex'), 'function');
deferModule(() => fromDockerode.resolve('./session'), 'function');
deferModule(() => createRequire(fromDockerode.resolve('./util')).resolve('tar-fs'), 'object');

export const Docker = require(dockerodeMain) as typeof DockerType;
