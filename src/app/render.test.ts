import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderLabFolder, resolveRenderTarget } from './render.js';
import { forgetPrimary } from '../render/write-lab.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'infra-render-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

it('a secured lab keeps its profile, ports, subnet and CA when rendered again without the flag', async () => {
  const first = await renderLabFolder({ cwd, name: 'x', port: 'auto', profiles: ['secured'] });
  expect(first.site.httpsPort).toEqual(expect.any(Number));
  expect(first.site.subnet).toMatch(/^172\.16\.\d+\.0\/24$/);
  const ca = await readFile(path.join(first.dir, 'tls/ca.crt'), 'utf8');
  expect((await stat(path.join(first.dir, 'tls/ca.key'))).mode & 0o777).toBe(0o600);

  const again = await renderLabFolder({ cwd, name: 'x' });
  expect(again.lab.profiles).toEqual(['secured']);
  expect(again.site).toEqual(first.site);
  expect(again.written).toEqual([]);
  expect(await readFile(path.join(first.dir, 'tls/ca.crt'), 'utf8')).toBe(ca);
});

it('--profile none clears the recorded profiles; an infra.yaml in the working directory wins over the folder', async () => {
  await renderLabFolder({ cwd, name: 'x', profiles: ['secured'] });
  expect((await resolveRenderTarget({ cwd, name: 'x', profiles: [] })).lab.profiles).toEqual([]);
  await writeFile(path.join(cwd, 'infra.yaml'), 'balance: leastconn\n');
  expect((await resolveRenderTarget({ cwd, name: 'x' })).lab.profiles).toEqual([]);
});

it('a secured lab moves its subnet off one another Docker network took, and says nothing for the default lab', async () => {
  const first = await renderLabFolder({ cwd, name: 'x', profiles: ['secured'] });
  const moved = await renderLabFolder({ cwd, name: 'x', takenSubnets: [first.site.subnet!] });
  expect(moved.site.subnet).not.toBe(first.site.subnet);
  const plain = await renderLabFolder({ cwd, name: 'y' });
  expect(plain.site).toEqual({ hostPort: 8080 });
});

it('a port infra.yaml gives a lab replaces the one its folder kept, each published port on its own', async () => {
  await writeFile(path.join(cwd, 'infra.yaml'), 'name: x\nprofiles: [secured, monitored]\n');
  const first = await renderLabFolder({ cwd });
  expect(first.site).toMatchObject({ hostPort: 8080, httpsPort: 8443, monitorPort: 9090 });
  await writeFile(path.join(cwd, 'infra.yaml'), 'name: x\nprofiles: [secured, monitored]\nhttpsPort: 9443\n');
  expect((await renderLabFolder({ cwd })).site).toMatchObject({ hostPort: 8080, httpsPort: 9443, monitorPort: 9090 });
  await writeFile(
    path.join(cwd, 'infra.yaml'),
    'name: x\nprofiles: [secured, monitored]\nhttpsPort: 9443\nmonitorPort: 9191\n',
  );
  expect((await renderLabFolder({ cwd })).site).toMatchObject({ hostPort: 8080, httpsPort: 9443, monitorPort: 9191 });
});

it('the folder keeps the primary infra promote chose, until down --volumes forgets it with the data', async () => {
  const promoted = await renderLabFolder({ cwd, name: 'x', primary: 'web-02' });
  expect(promoted.lab.primary).toBe('web-02');
  expect(JSON.parse(await readFile(path.join(promoted.dir, 'app/primary.json'), 'utf8'))).toEqual({
    primary: 'web-02',
  });
  const again = await renderLabFolder({ cwd, name: 'x' });
  expect(again.lab.servers.find((s) => s.name === 'web-02')?.database?.role).toBe('primary');
  await forgetPrimary(promoted.dir);
  expect((await renderLabFolder({ cwd, name: 'x' })).lab.primary).toBe('web-01');
});

it('--dir renders into the folder it names, also when the default folder of that lab exists', async () => {
  const first = await renderLabFolder({ cwd });
  expect(first.dir).toBe(path.join(cwd, 'infra-labs', 'lab'));
  const named = await renderLabFolder({ cwd, dir: 'mine' });
  expect(named.dir).toBe(path.join(cwd, 'mine'));
  expect((await stat(path.join(cwd, 'mine', 'compose.yaml'))).isFile()).toBe(true);
});

const itWithProc = process.platform === 'linux' ? it : it.skip;
itWithProc(
  'a folder that cannot be made (under /proc) is a usage error at once, nothing written, no spinning',
  async () => {
    await expect(renderLabFolder({ cwd, dir: '/proc/infra-lab' })).rejects.toMatchObject({
      exitCode: 2,
      message: 'cannot write a lab folder at /proc/infra-lab (ENOENT); nothing was written',
    });
    await expect(renderLabFolder({ cwd, dir: '/proc/infra-lab/deeper' })).rejects.toMatchObject({
      exitCode: 2,
      message: 'cannot make the folder /proc/infra-lab (ENOENT); nothing was written',
    });
  },
);
