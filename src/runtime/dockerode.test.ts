// The Docker client as infra loads it: without ssh2, gRPC, tar and readable-stream until one is used, and still able
// to use them. Run in a node of its own on the built module (npm test builds first): Node's module cache, not jest's
// registry.
import path from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../../test/helpers/fixtures.js';

const script = (built: string) => `
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
const files = () => Object.keys(createRequire(import.meta.url).cache);
const loaded = () => ({
  ssh2: files().some((f) => f.includes('/node_modules/ssh2/')),
  grpc: files().some((f) => f.includes('/@grpc/')),
  tar: files().some((f) => f.includes('/node_modules/tar-stream/')),
  streams: files().some((f) => f.includes('/node_modules/readable-stream/')),
});
const { Docker } = await import(${JSON.stringify(built)});
const atLoad = loaded();
let error;
try {
  await new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' }).ping();
} catch (e) {
  error = e.code ?? e.message;
}
const afterSsh = loaded();
// What dockerode and docker-modem get from the cache when they use them: the real packer, a real duplex stream.
const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
const packs = typeof createRequire(fromDockerode.resolve('./util'))('tar-fs').pack;
const HttpDuplex = createRequire(fromDockerode.resolve('docker-modem'))('./http_duplex');
const duplex = new HttpDuplex(new EventEmitter(), new EventEmitter());
const streams = { packs, duplex: typeof duplex.pipe === 'function' && typeof duplex.connect === 'function' };
console.log(JSON.stringify({ atLoad, afterSsh, error, isClient: typeof Docker.prototype.listContainers, streams, atEnd: loaded() }));
`;

it('loads dockerode without ssh2, gRPC, tar and readable-stream; each loads when used and works', async () => {
  const built = path.join(repoRoot, 'dist', 'runtime', 'dockerode.js');
  const { stdout } = await execa('node', ['--no-deprecation', '--input-type=module', '-e', script(built)], {
    cwd: repoRoot,
  });
  expect(JSON.parse(stdout)).toEqual({
    atLoad: { ssh2: false, grpc: false, tar: false, streams: false },
    // Nothing listens on port 1: the SSH transport ran and was refused.
    afterSsh: { ssh2: true, grpc: false, tar: false, streams: false },
    error: 'ECONNREFUSED',
    isClient: 'function',
    streams: { packs: 'function', duplex: true },
    atEnd: { ssh2: true, grpc: false, tar: true, streams: true },
  });
});
