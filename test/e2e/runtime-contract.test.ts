// The runtime contract (test/helpers/runtime-contract.ts) on Docker: the same assertions FakeRuntime passes in its
// unit test, here on a lab `infra up` booted on the real engine. The contract ends by removing the lab; `reset`
// after it removes whatever a failed assertion left.
import path from 'node:path';
import { dockerRuntime } from '../../src/runtime/docker-runtime.js';
import { describeWithDocker, infra, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';
import { runtimeContract } from '../helpers/runtime-contract.js';

const lab = uniqueLabName('contract');
const cwd = tempDir();

describeWithDocker('DockerRuntime keeps the runtime contract', () => {
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  runtimeContract(async () => {
    requireEngine();
    const run = await infra(['up', '--name', lab, '--port', 'auto', '--no-smoke', '--json'], { cwd });
    if (run.exitCode !== 0) throw new Error(`infra up failed: ${run.stdout}${run.stderr}`);
    const result = JSON.parse(run.stdout) as { url: string; dir: string };
    return {
      runtime: dockerRuntime(),
      lab,
      dir: path.resolve(result.dir),
      port: Number(new URL(result.url).port),
    };
  });
});
