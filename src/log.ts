// Output streams passed into every use case (docs/ARCHITECTURE.md, habit 1), so `main(argv, io)` is testable, plus
// the small formatting helpers for terminal output. Progress goes to stderr; results (tables, JSON) go to stdout.
import { styleText } from 'node:util';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type Style = Parameters<typeof styleText>[0];

/** Colours only on a terminal, and never when NO_COLOR is set. */
export function painter(stream: Io['stderr'], env: NodeJS.ProcessEnv): (style: Style, text: string) => string {
  const colour = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return (style, text) => (colour ? styleText(style, text) : text);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
