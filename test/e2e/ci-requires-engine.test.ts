// With CI=true, a missing Docker engine fails the end-to-end suite instead of skipping it.
import { execa } from 'execa';
import { repoRoot } from '../helpers/fixtures.js';

// The child jest run must not run this file again.
const runsInChild = process.env.INFRA_E2E_CHILD === '1';

(runsInChild ? it.skip : it)('an e2e suite run with CI=true and no engine fails', async () => {
  const result = await execa(
    'node',
    [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--testPathPatterns',
      'test/e2e/failures',
      '--selectProjects',
      'e2e',
    ],
    {
      cwd: repoRoot,
      reject: false,
      timeout: 120_000,
      env: { CI: 'true', DOCKER_HOST: 'unix:///nonexistent/docker.sock', INFRA_E2E_CHILD: '1' },
    },
  );
  expect(String(result.stderr)).toContain('CI=true and no Docker engine answers');
  expect(result.exitCode).not.toBe(0);
});
