// The pages are tested in a real browser: Debian's Chromium, headless (puppeteer-core drives it). CI installs it
// (.ci/run) and a test fails without it there; elsewhere such a test is skipped.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { repoRoot } from './fixtures.js';

export const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
export const itWithBrowser = existsSync(CHROMIUM) || inCi ? it : it.skip;

/** Screenshots the e2e run keeps for a human to look at (not committed). */
export const artefacts = path.join(repoRoot, 'test-artifacts');

/** A screenshot kept for a human (CI keeps test-artifacts/), named in the test's output. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artefacts, { recursive: true });
  const file = path.join(artefacts, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}
