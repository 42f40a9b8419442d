// An instructor's room end to end: a roster of three boots three labs (distinct ports, each seeded with its student's
// id), the same drill breaks all three, the grades say who fixed it, the board in Chromium turns the card of the
// student who fixed it, a late student is added and a leaving one removed, and `room down --volumes` leaves nothing.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, itWithBrowser, shot } from '../helpers/browser.js';
import { byLabel, describeWithDocker, docker, infra, requireEngine, servingPage, tempDir } from '../helpers/e2e.js';

interface StudentStatus {
  id: string;
  name: string;
  lab: string;
  healthy: boolean;
  url: string;
  seed: string;
  drill: { name: string; solved: boolean | null } | null;
}

describeWithDocker('infra room', () => {
  const cwd = tempDir();
  // Short: a room's name prefixes its labs' (`<room>-<id>`, at most 31 characters).
  const room = `e2e${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`;
  const labs = ['alice', 'bob', 'carol'].map((id) => `${room}-${id}`);
  const roomArgs = ['--room', room];
  const status = async (): Promise<{ exitCode: number; students: StudentStatus[] }> => {
    const run = await infra(['room', 'status', ...roomArgs, '--json'], { cwd });
    return { exitCode: run.exitCode, students: (JSON.parse(run.stdout) as { students: StudentStatus[] }).students };
  };
  /** The reference fix of replication-stopped, on one student's lab. */
  const fix = (id: string) => docker(['exec', `infra-${room}-${id}-web-02-db`, 'mariadb', '-e', 'START REPLICA']);
  const grades = async (file: string) => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(path.join(cwd, file), 'utf8'));
    const cases = [xml.testsuites.testsuite.testcase].flat() as { '@_name': string; failure?: unknown }[];
    return Object.fromEntries(cases.map((c) => [c['@_name'], c.failure === undefined ? 'passed' : 'failed']));
  };

  beforeAll(async () => {
    requireEngine();
    await writeFile(path.join(cwd, 'roster.txt'), '# Monday, group A\nalice Alice Martin\nbob\n\ncarol Carol Kim\n');
  });
  afterAll(async () => {
    await infra(['room', 'down', ...roomArgs, '--volumes'], { cwd });
    for (const lab of [...labs, `${room}-dave`]) await infra(['down', '--name', lab, '--volumes'], { cwd });
  });

  it('room up: a lab per student, each on its own ports, seeded with its id; status lists them healthy', async () => {
    const up = await infra(['room', 'up', '--roster', 'roster.txt', ...roomArgs, '--json'], { cwd });
    expect(up.exitCode).toBe(0);
    const result = JSON.parse(up.stdout) as { students: { id: string; name: string; lab: string; url: string }[] };
    expect(result.students.map((s) => [s.id, s.name, s.lab])).toEqual([
      ['alice', 'Alice Martin', labs[0]],
      ['bob', 'bob', labs[1]],
      ['carol', 'Carol Kim', labs[2]],
    ]);
    expect(new Set(result.students.map((s) => s.url)).size).toBe(3);
    for (const s of result.students) expect((await fetch(s.url)).status).toBe(200);

    const now = await status();
    expect(now.exitCode).toBe(0);
    expect(now.students.map((s) => [s.id, s.healthy, s.seed])).toEqual([
      ['alice', true, 'alice'],
      ['bob', true, 'bob'],
      ['carol', true, 'carol'],
    ]);
    expect(new Set(now.students.map((s) => new URL(s.url).port)).size).toBe(3);
    // `infra ls` groups them by their common prefix.
    const listed = (await infra(['ls'], { cwd })).stdout.split('\n').filter((l) => l.startsWith(`${room}-`));
    expect(listed.map((l) => l.split(/\s+/)[0])).toEqual(labs);
  });

  it('room drill: the same drill breaks every lab; check grades each student; fixing one passes exactly that one', async () => {
    const start = await infra(['room', 'drill', 'start', 'replication-stopped', ...roomArgs], { cwd });
    expect(start.exitCode).toBe(0);
    expect(start.stdout).toContain('drill replication-stopped started on 3 of 3 lab(s)');

    const broken = await infra(['room', 'drill', 'check', ...roomArgs, '--junit', 'before.xml'], { cwd });
    expect(broken.exitCode).toBe(1);
    expect(await grades('before.xml')).toEqual({
      'alice (Alice Martin)': 'failed',
      bob: 'failed',
      'carol (Carol Kim)': 'failed',
    });

    await fix('bob');
    const after = await infra(['room', 'drill', 'check', ...roomArgs, '--junit', 'after.xml', '--csv', 'after.csv'], {
      cwd,
    });
    expect(after.exitCode).toBe(1);
    expect(await grades('after.xml')).toEqual({
      'alice (Alice Martin)': 'failed',
      bob: 'passed',
      'carol (Carol Kim)': 'failed',
    });
    const csv = (await readFile(path.join(cwd, 'after.csv'), 'utf8')).trim().split('\r\n');
    expect(csv[0]).toBe('student,name,lab,drill,solved,checked_at,why_not');
    expect(csv[2]).toMatch(new RegExp(`^bob,bob,${labs[1]},replication-stopped,yes,`));
    expect(csv[1]).toMatch(/^alice,Alice Martin,.*,no,.*"replication: web-02: IO thread No/);

    const now = await status();
    expect(now.students.map((s) => [s.id, s.drill?.solved])).toEqual([
      ['alice', false],
      ['bob', true],
      ['carol', false],
    ]);
  });

  itWithBrowser("the board: a card per student; a student's fix turns their card solved, not the others'", async () => {
    const board = servingPage(['room', 'serve', ...roomArgs, '--check-every', '2'], cwd);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1100, height: 700 });
      await page.goto(await board.url);
      const cards = () =>
        page.$$eval('[data-student]', (els) =>
          Object.fromEntries(els.map((el) => [(el as HTMLElement).dataset.student, el.className])),
        );
      await page.waitForSelector('[data-student="carol"]');
      expect(await cards()).toEqual({ alice: 'card working', bob: 'card solved', carol: 'card working' });
      expect(await page.$eval('[data-student="bob"] .state', (el) => el.textContent)).toBe('solved');

      // Carol fixes hers; nobody runs `drill check`: the board's own checks find it.
      await fix('carol');
      await page.waitForFunction(() => document.querySelector('[data-student="carol"]')?.className === 'card solved', {
        timeout: 30_000,
      });
      expect(await cards()).toEqual({ alice: 'card working', bob: 'card solved', carol: 'card solved' });
      expect(await page.$eval('#summary', (el) => el.textContent)).toBe('3 of 3 lab(s) healthy · 2 of 3 solved');
      await shot(page, 'room-board.png');
      await page.setViewport({ width: 390, height: 800 });
      await shot(page, 'room-board-phone.png');
    } finally {
      await browser.close();
      expect(await board.stop()).toBe(0);
    }
  });

  it('room drill reset puts every lab back; add boots a late student, remove takes a leaving one out', async () => {
    const reset = await infra(['room', 'drill', 'reset', ...roomArgs], { cwd });
    expect(reset.exitCode).toBe(0);
    expect((await status()).students.every((s) => s.drill === null && s.healthy)).toBe(true);

    const add = await infra(['room', 'add', 'dave', 'Dave', 'Ng', ...roomArgs, '--json'], { cwd });
    expect(add.exitCode).toBe(0);
    expect(JSON.parse(add.stdout).students).toEqual([
      expect.objectContaining({ id: 'dave', name: 'Dave Ng', lab: `${room}-dave`, url: expect.any(String) }),
    ]);
    expect((await status()).students.map((s) => s.id)).toEqual(['alice', 'bob', 'carol', 'dave']);

    const remove = await infra(['room', 'remove', 'dave', ...roomArgs, '--volumes'], { cwd });
    expect(remove.exitCode).toBe(0);
    expect((await status()).students.map((s) => s.id)).toEqual(['alice', 'bob', 'carol']);
    expect(await byLabel('container', `dev.infra.lab=${room}-dave`)).toEqual([]);
  });

  it('room down --volumes leaves nothing of the room on the engine', async () => {
    const down = await infra(['room', 'down', ...roomArgs, '--volumes'], { cwd });
    expect(down.exitCode).toBe(0);
    for (const lab of labs) {
      for (const kind of ['container', 'network', 'volume'] as const) {
        expect(await byLabel(kind, `dev.infra.lab=${lab}`)).toEqual([]);
      }
    }
    const after = await status();
    expect(after.exitCode).toBe(1);
    expect(after.students.map((s) => s.healthy)).toEqual([false, false, false]);
  });
});
