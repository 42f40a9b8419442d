import { buildLab } from '../definition/build-lab.js';
import { labMemoryMiB, roomFit } from './footprint.js';

it("a lab's memory from its servers and components, as each kind measured, with room for a lab in use (×1.5)", () => {
  // lb-01: host 1 + haproxy 15; web-01, web-02: host 1 + nginx 3 + app 24 + db 70 each: 212 MiB.
  expect(labMemoryMiB(buildLab({}, { name: 'r-a' }))).toBe(318);
  // lb-01, lb-02: 1 + 15 + keepalived 3 + node exporter 7; web-01, web-02: 98 + node 7 + nginx 7 + mysqld 9 exporters;
  // mon-01: 1 + prometheus 40 + 7; the edge: 1 + socat 3 + 7: 353 MiB (docker stats summed 335 on such a lab).
  expect(labMemoryMiB(buildLab({ profiles: ['secured', 'monitored', 'redundant'] }, { name: 'r-a' }))).toBe(530);
});

it('how many labs fit the engine, keeping 1 GiB for the host', () => {
  const lab = buildLab({}, { name: 'r-a' });
  expect(roomFit(lab, 30, 8 * 1024 ** 3)).toEqual({
    perLabMiB: 318,
    starting: 30,
    needMiB: 9540,
    availableMiB: 7168,
    fits: 22,
  });
  expect(roomFit(lab, 3, 512 * 1024 ** 2)).toMatchObject({ availableMiB: 0, fits: 0 });
});
