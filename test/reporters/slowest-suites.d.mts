// Types of the slowest-suites reporter (plain JavaScript: jest loads reporters without transforming them).
export interface SuiteTime {
  file: string;
  ms: number;
  failed: boolean;
}
export function slowestSuitesTable(suites: SuiteTime[], wallMs: number, count?: number): string;
declare const SlowestSuitesReporter: unknown;
export default SlowestSuitesReporter;
