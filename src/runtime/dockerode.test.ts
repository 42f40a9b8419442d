// The Docker client as infra loads it: without ssh2 and gRPC until one is used, and still able to use them. Run in a
// node of its own on the built module (npm test builds first): Node's module cache, not jest's registry.
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../../test/helpers/fixtures.js';

const script = (built: string) => `
import { createRequire } from 'node:module';
const loaded = () => {
  const files = Object.keys(createRequire(import.meta.url).cache);
  return { ssh2: files.some((f) => f.includes('/node_modules/ssh2/')), grpc: files.some((f) => f.includes('/@grpc/')) };
};
const { Docker } = await import(${JSON.stringify(built)});
const atLoad = loaded();
let error;
try {
  await new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' }).ping();
} catch (e) {
  error = e.code ?? e.message;
}
console.log(JSON.stringify({ atLoad, afterSsh: loaded(), error, isClient: typeof Docker.prototype.listContainers }));
`;

it('loads dockerode without ssh2 and gRPC; an ssh:// engine loads ssh2 when asked for and is reached through it', async () => {
  const built = path.join(repoRoot, 'dist', 'runtime', 'dockerode.js');
  const { stdout } = await execa('node', ['--no-deprecation', '--input-type=module', '-e', script(built)], {
    cwd: repoRoot,
  });
  expect(JSON.parse(stdout)).toEqual({
    atLoad: { ssh2: false, grpc: false },
    // Nothing listens on port 1: the SSH transport ran and was refused.
    afterSsh: { ssh2: true, grpc: false },
    error: 'ECONNREFUSED',
    isClient: 'function',
  });
});
