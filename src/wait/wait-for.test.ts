import { StepError } from '../errors.js';
import { waitFor, type Clock } from './wait-for.js';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), slept };
}

it('returns the value as soon as the probe is done, polling at the interval', async () => {
  const clock = fakeClock();
  let calls = 0;
  const value = await waitFor(
    async () => (++calls < 3 ? { done: false, seen: `call ${calls}` } : { done: true, value: 'ready' }),
    {
      what: 'x',
      timeoutMs: 1000,
      intervalMs: 100,
      clock,
    },
  );
  expect(value).toBe('ready');
  expect(clock.slept).toEqual([100, 100]);
});

it('times out loudly with what it waited for and what it last saw', async () => {
  const clock = fakeClock();
  const wait = waitFor(async () => ({ done: false, seen: `state at ${clock.now()} ms` }), {
    what: 'web-01 UP in HAProxy',
    timeoutMs: 500,
    intervalMs: 200,
    clock,
  });
  await expect(wait).rejects.toBeInstanceOf(StepError);
  await expect(
    waitFor(async () => ({ done: false, seen: 'DOWN' }), {
      what: 'web-01 UP in HAProxy',
      timeoutMs: 500,
      intervalMs: 200,
      clock: fakeClock(),
    }),
  ).rejects.toThrow('timed out after 0.5 s waiting for web-01 UP in HAProxy (last seen: DOWN)');
});

it('ends at once when the probe throws', async () => {
  const clock = fakeClock();
  await expect(
    waitFor(
      async () => {
        throw new Error('container exited');
      },
      { what: 'x', timeoutMs: 1000, intervalMs: 100, clock },
    ),
  ).rejects.toThrow('container exited');
  expect(clock.slept).toEqual([]);
});
