// `infra fault` and `infra heal`: the fault made (what it does, how to see it, how to undo it), or what was healed.
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import { nameFlag } from '../../topology/types.js';
import type { Fault } from '../../faults/fault.js';

export function presentFault(io: Io, made: { lab: string; fault: Fault }, options: { json: boolean }): number {
  const { lab, fault } = made;
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: true, lab, fault }, null, 2) + '\n');
    return EXIT.ok;
  }
  const flag = nameFlag(lab);
  io.stdout.write(
    `fault ${fault.id} on lab "${lab}": ${fault.what}\n` +
      `  see it   infra status${flag}\n` +
      `  undo it  infra heal ${fault.id}${flag}\n`,
  );
  return EXIT.ok;
}

export function presentHealed(
  io: Io,
  result: { lab: string; healed: Fault[]; remaining: Fault[] },
  options: { json: boolean },
): number {
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: true, ...result }, null, 2) + '\n');
    return EXIT.ok;
  }
  for (const fault of result.healed) io.stdout.write(`healed ${fault.id} (it made: ${fault.what})\n`);
  io.stdout.write(
    result.remaining.length
      ? `still active on lab "${result.lab}": ${result.remaining.map((f) => f.id).join(', ')}\n`
      : `lab "${result.lab}" has no active fault\n`,
  );
  return EXIT.ok;
}
