// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one document, one test suite, its test cases. The
// smoke suite, a room's grades and `infra load` each say what their cases are; this writes them.
export interface JunitCase {
  classname: string;
  name: string;
  /** Seconds. */
  time?: number;
  /** Why it failed; absent: it passed (or was skipped). */
  failure?: string;
  skipped?: string;
  /** What a passed case said. */
  out?: string;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function junitDocument(names: { suites: string; suite: string; seconds?: number }, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = (seconds: number | undefined) => (seconds === undefined ? '' : ` time="${seconds.toFixed(3)}"`);
  const body = cases.map((c) => {
    const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"${time(c.time)}>`;
    const inner =
      c.failure !== undefined
        ? `<failure message="${escapeXml(c.failure)}">${escapeXml(c.failure)}</failure>`
        : c.skipped !== undefined
          ? `<skipped message="${escapeXml(c.skipped)}"/>`
          : `<system-out>${escapeXml(c.out ?? '')}</system-out>`;
    return `${open}\n      ${inner}\n    </testcase>`;
  });
  const counts = `tests="${cases.length}" failures="${failures}"`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${escapeXml(names.suites)}" ${counts} skipped="${skipped}"${time(names.seconds)}>\n` +
    `  <testsuite name="${escapeXml(names.suite)}" ${counts} errors="0" skipped="${skipped}"${time(names.seconds)}>\n` +
    body.join('\n') +
    '\n  </testsuite>\n</testsuites>\n'
  );
}
