import { CHECK_NAMES } from '../checks/runner.js';
import { loadDrills, parseDrill } from './drill.js';

it('every built-in drill parses, proves itself with existing checks, and there are at least eight', () => {
  const drills = loadDrills(CHECK_NAMES);
  expect(drills.length).toBeGreaterThanOrEqual(8);
  for (const d of drills) {
    expect(d.title.length).toBeGreaterThan(0);
    expect(d.hints.length).toBeGreaterThan(0);
    expect(d.proves.every((c) => CHECK_NAMES.includes(c))).toBe(true);
  }
});

it('refuses a drill file naming a check that does not exist, or a step it cannot run, saying which', () => {
  const text = 'title: t\nstory: s\nbreaks:\n  - reboot: web-01\nhints: [h]\nproves: [lb-serves, telepathy]\n';
  expect(() => parseDrill('bad', text, CHECK_NAMES)).toThrow(
    'drills/bad.yaml: proves: no check "telepathy"; a step must be one of edit, exec, stop, restart, haproxy, sql, wait',
  );
});
