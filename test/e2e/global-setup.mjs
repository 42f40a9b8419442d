// Before the end-to-end run: a folder for the labs its suites share (test/helpers/shared-lab.ts), named in the
// environment every suite of the run inherits.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup() {
  process.env.INFRA_E2E_SHARED_LABS = mkdtempSync(path.join(os.tmpdir(), 'infra-e2e-shared-'));
}
