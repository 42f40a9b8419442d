// A room of machines end to end: two stand-ins for students' PCs (sshd, Docker CLI, infra from `npm pack`), one lab on
// each started over SSH by `infra room up --inventory`; status, the drill and its grades aggregate both; a PC that
// goes away is reported unreachable (exit 1) while the other is still listed; `room down --volumes` ends both.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { byLabel, describeWithDocker, docker, infra, requireEngine, tempDir } from '../helpers/e2e.js';
import { startMachines, type Machines } from '../helpers/infra-machines.js';

interface StudentStatus {
  id: string;
  machine: string;
  state: string;
  healthy: boolean;
  url: string | null;
  seed: string | null;
  error?: string;
}

describeWithDocker('infra room over SSH: one lab on each student machine', () => {
  const cwd = tempDir();
  const room = `m${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;
  const labs = { ana: `${room}-ana`, ben: `${room}-ben` };
  const roomArgs = ['--room', room];
  let machines: Machines;
  const status = async () => {
    const run = await infra(['room', 'status', ...roomArgs, '--json'], { cwd });
    return { exitCode: run.exitCode, students: (JSON.parse(run.stdout) as { students: StudentStatus[] }).students };
  };

  beforeAll(async () => {
    requireEngine();
    machines = await startMachines(`infra-e2e-${room}`, cwd, { 'pc-01': 'ana', 'pc-02': 'ben' });
  }, 600_000);
  afterAll(async () => {
    // The PCs' labs run on this engine too: taken down from here whatever the PCs' state.
    for (const lab of Object.values(labs)) await infra(['down', '--name', lab, '--volumes'], { cwd });
    await machines?.remove();
  });

  it('room up --inventory: a lab on each machine, over SSH, seeded with its student; status lists both', async () => {
    const up = await infra(['room', 'up', '--inventory', machines.inventory, ...roomArgs, '--json'], { cwd });
    expect(up.stderr).not.toContain('✗');
    expect(up.exitCode).toBe(0);
    const result = JSON.parse(up.stdout) as { students: { id: string; machine: string; url: string }[] };
    expect(result.students.map((s) => [s.id, s.machine])).toEqual([
      ['ana', 'pc-01'],
      ['ben', 'pc-02'],
    ]);
    for (const s of result.students) expect((await fetch(s.url)).status).toBe(200);
    // Each lab was made by its machine's infra, in its folder there.
    const folder = await docker([
      'inspect',
      '-f',
      '{{index .Config.Labels "com.docker.compose.project.working_dir"}}',
      `infra-${labs.ana}-web-01`,
    ]);
    expect(folder).toBe(path.join(cwd, 'pc-01', 'infra-labs', labs.ana));

    const now = await status();
    expect(now.exitCode).toBe(0);
    expect(now.students.map((s) => [s.id, s.machine, s.healthy, s.seed])).toEqual([
      ['ana', 'pc-01', true, 'ana'],
      ['ben', 'pc-02', true, 'ben'],
    ]);
  });

  it('room drill over SSH: both break, the grades aggregate both, fixing one passes that one', async () => {
    expect((await infra(['room', 'drill', 'start', 'replication-stopped', ...roomArgs], { cwd })).exitCode).toBe(0);
    await docker(['exec', `infra-${labs.ana}-web-02-db`, 'mariadb', '-e', 'START REPLICA']);
    const check = await infra(['room', 'drill', 'check', ...roomArgs, '--junit', 'grades.xml'], { cwd });
    expect(check.exitCode).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(path.join(cwd, 'grades.xml'), 'utf8'));
    const cases = [xml.testsuites.testsuite.testcase].flat() as { '@_name': string; failure?: unknown }[];
    expect(cases.map((c) => [c['@_name'], c.failure === undefined])).toEqual([
      ['ana', true],
      ['ben', false],
    ]);
  });

  it('a machine that cannot be reached is reported as such, exit 1, and the other is still listed', async () => {
    await machines.stop('pc-02');
    const now = await status();
    expect(now.exitCode).toBe(1);
    expect(now.students.find((s) => s.id === 'ana')).toMatchObject({ healthy: true, state: 'running' });
    expect(now.students.find((s) => s.id === 'ben')).toMatchObject({
      healthy: false,
      state: 'unreachable',
      error: expect.stringContaining('pc-02 cannot be reached over SSH'),
    });
    const text = await infra(['room', 'status', ...roomArgs], { cwd });
    expect(text.stdout).toMatch(/✗ ben +unreachable +pc-02 cannot be reached over SSH/);
    await machines.start('pc-02');
  });

  it('room down --volumes takes both labs down on their machines, leaving nothing', async () => {
    const down = await infra(['room', 'down', ...roomArgs, '--volumes'], { cwd });
    expect(down.exitCode).toBe(0);
    for (const lab of Object.values(labs)) {
      for (const kind of ['container', 'volume'] as const)
        expect(await byLabel(kind, `dev.infra.lab=${lab}`)).toEqual([]);
    }
  });
});
