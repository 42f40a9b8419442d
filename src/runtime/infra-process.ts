// This infra, run again as a process of its own on this machine (`infra load --during "fail web-01"`): the command
// a student would type, with its exit code and what it said.
import { execa } from 'execa';

export async function runInfraHere(args: string[]): Promise<{ exitCode: number; output: string }> {
  // process.argv[1]: the script this infra runs from (bin/infra), with the same Node.js.
  const result = await execa(process.execPath, [process.argv[1], ...args], { reject: false, all: true });
  return { exitCode: result.exitCode ?? 1, output: String(result.all ?? '') };
}
