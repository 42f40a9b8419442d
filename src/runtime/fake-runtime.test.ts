// The runtime contract (test/helpers/runtime-contract.ts) on FakeRuntime: the fake behaves as Docker does for
// everything use cases ask of it. test/e2e/runtime-contract.test.ts runs the same contract on Docker.
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { runtimeContract } from '../../test/helpers/runtime-contract.js';
import { readLabState } from '../render/write-lab.js';
import path from 'node:path';

describe('FakeRuntime keeps the runtime contract', () => {
  runtimeContract(async () => {
    const t = fakeLab();
    const lab = 'contract';
    expect(
      await t.up({ cwd: t.cwd, name: lab, port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5 }),
    ).toBe(0);
    const dir = path.join(t.cwd, 'infra-labs', lab);
    const port = (await readLabState(dir))!.hostPort;
    return { runtime: t.runtime, lab, dir, port };
  });
});
