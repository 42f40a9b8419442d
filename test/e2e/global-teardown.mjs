// After the end-to-end run, even when a suite failed: every lab the suites shared is removed (containers, network,
// volumes), then their folder. Nothing of the run stays on the engine.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const infraBin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'infra');

export default async function teardown() {
  const root = process.env.INFRA_E2E_SHARED_LABS;
  if (!root || !existsSync(root)) return;
  for (const record of readdirSync(root).filter((f) => f.endsWith('.json'))) {
    const lab = JSON.parse(readFileSync(path.join(root, record), 'utf8'));
    const reset = await execa('node', [infraBin, 'reset', '--name', lab.name, '--yes'], {
      cwd: lab.cwd,
      reject: false,
    });
    if (reset.exitCode !== 0) console.error(`could not remove the shared lab ${lab.name}:\n${reset.stderr}`);
    // The run's log says what its end costs (a stop's CI once spent minutes after the summary, the engine idle).
    else console.error(`removed the shared lab ${lab.name} in ${(reset.durationMs / 1000).toFixed(1)} s`);
  }
  const started = performance.now();
  rmSync(root, { recursive: true, force: true });
  console.error(`removed the shared labs' folder in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
