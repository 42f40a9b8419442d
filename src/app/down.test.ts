// `down` over the fake runtime: what it removes, what it keeps, and that deleting the data also forgets the
// primary `infra promote` chose (the folder is found from the containers' labels, before they go).
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { presentDown } from '../cli/presenters/down.js';
import { takeDown } from './down.js';
import { renderLabFolder } from './render.js';

const LAB = 'unit';

it('down keeps the data and the promoted primary; down --volumes deletes the data and forgets the primary', async () => {
  const t = fakeLab();
  // Its own free port: a lab (or anything) on this machine's 8080 must not fail a unit test.
  await renderLabFolder({ cwd: t.cwd, name: LAB, primary: 'web-02', port: 'auto' });
  const up = { cwd: t.cwd, name: LAB, port: 'auto' as const, json: true, keep: false, smoke: false, timeoutSeconds: 5 };
  expect(await t.up(up)).toBe(0);

  const kept = await takeDown(t.env(), { cwd: t.cwd, name: LAB, volumes: false });
  expect(kept.keptVolumes.join(' ')).toMatch(/db-data/);
  expect(presentDown(t.env().io, kept, { json: false })).toBe(0);
  expect(t.stderr()).toMatch(/kept its data: .*db-data \(`infra down --name unit --volumes` deletes them\)/);
  expect((await renderLabFolder({ cwd: t.cwd, name: LAB })).lab.primary).toBe('web-02');

  expect(await t.up(up)).toBe(0);
  expect((await takeDown(t.env(), { cwd: t.cwd, name: LAB, volumes: true })).removed.volumes).toBeGreaterThan(0);
  expect(await t.runtime.containers(LAB)).toEqual([]);
  expect(await t.runtime.volumes(LAB)).toEqual([]);
  expect((await renderLabFolder({ cwd: t.cwd, name: LAB })).lab.primary).toBe('web-01');
});
