import { remoteCommand } from './remote-infra.js';

it("runs infra in the machine's infra_dir, every argument one word for its shell", () => {
  expect(remoteCommand({ infra_dir: '/home/student/lab rooms' }, ['up', '--name', 'mon-ana', '--json'])).toBe(
    "cd '/home/student/lab rooms' && 'infra' 'up' '--name' 'mon-ana' '--json'",
  );
  expect(remoteCommand({}, ['drill', 'start', "it's"])).toBe("'infra' 'drill' 'start' 'it'\\''s'");
});
