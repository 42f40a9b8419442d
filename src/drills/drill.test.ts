import { CHECK_NAMES } from '../checks/runner.js';
import { drillChoices, loadDrills, parseDrill, withChoices } from './drill.js';

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
    'drills/bad.yaml: proves: no check "telepathy"; a step must be one of edit, exec, stop, pause, unpause, restart, haproxy, sql, lag, fault, wait',
  );
  const unknownFault =
    'title: t\nstory: s\nbreaks:\n  - fault: { kind: flood, servers: [web-02] }\nhints: [h]\nproves: [lb-serves]\n';
  expect(() => parseDrill('bad', unknownFault, CHECK_NAMES)).toThrow(
    'drills/bad.yaml: fault: kind "flood" unknown (one of partition, loss, rate, delay, corrupt, lag, hang)',
  );
});

it("a lab's seed picks each drill's details the same way every time, and other seeds pick others", () => {
  const drill = loadDrills(CHECK_NAMES).find((d) => d.name === 'api-502-on-one-server')!;
  const a = drillChoices(drill, 'student-7');
  expect(drillChoices(drill, 'student-7')).toEqual(a);
  const seen = new Set(['s1', 's2', 's3', 's4', 's5', 's6'].map((s) => JSON.stringify(drillChoices(drill, s))));
  expect(seen.size).toBeGreaterThan(1);
  // Without a seed: the first of each list.
  expect(drillChoices(drill, undefined)).toEqual({ server: 'web-02', port: '5001' });
  const edits = withChoices(drill.breaks, a).filter((s) => 'edit' in s) as unknown as {
    edit: { file: string; to: string };
  }[];
  // First the load balancer's check made shallow (so the broken server stays in the rotation), then the seed's edit.
  expect(edits.map((e) => e.edit.file)).toEqual(['lb-01/haproxy.cfg', `${a.server}/nginx.conf`]);
  const edit = edits[1];
  expect(edit.edit.to).toBe(`server 127.0.0.1:${a.port}`);
});
