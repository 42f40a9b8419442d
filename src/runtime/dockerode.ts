// dockerode, with its two optional transports loaded on first use. docker-modem's SSH agent (ssh2, for ssh://
// engines) and dockerode's BuildKit session (gRPC and protobufjs) load with the library: ~75 ms of every command that
// speaks to Docker, for what infra rarely or never needs (it builds through `docker build`). Each of the two modules
// is a function; it waits in Node's module cache as a function that loads the real one when first called.
import { createRequire } from 'node:module';
import type DockerType from 'dockerode';

const require = createRequire(import.meta.url);
const dockerodeMain = require.resolve('dockerode');
const fromDockerode = createRequire(dockerodeMain);

/** Puts a stand-in for a module that exports one function in the cache; a layout it does not find is left as is. */
function deferFunctionModule(resolve: () => string): void {
  let file: string;
  try {
    file = resolve();
  } catch {
    return;
  }
  if (require.cache[file]) return;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const load = () => {
    if (!real) {
      delete require.cache[file];
      real = require(file) as (...args: unknown[]) => unknown;
    }
    return real;
  };
  require.cache[file] = {
    id: file,
    filename: file,
    loaded: true,
    exports: (...args: unknown[]) => load()(...args),
  } as unknown as NodeJS.Module;
}

deferFunctionModule(() => createRequire(fromDockerode.resolve('docker-modem')).resolve('./ssh'));
deferFunctionModule(() => fromDockerode.resolve('./session'));

export const Docker = require(dockerodeMain) as typeof DockerType;
