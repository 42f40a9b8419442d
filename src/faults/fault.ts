// A fault made on purpose on a running lab (`infra fault`): grey failures a server stop does not teach — a partition,
// packet loss, a slow link, a replica applying late. Named by servers, not interfaces; recorded with the lab (its
// folder's .infra/faults.json) so that status and ls list it, and removed by `infra heal`.
import { UsageError } from '../errors.js';

export const FAULT_KINDS = ['partition', 'loss', 'rate', 'delay', 'corrupt', 'lag', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** `loss-web-02`, `partition-lb-01-lb-02`: what `infra heal` names. */
  id: string;
  kind: FaultKind;
  /** The servers it acts on (a partition's two sides). */
  servers: string[];
  /** hang: the one component frozen (`web-01/app`); absent: every component of the server. */
  component?: string;
  /** Its setting as infra applies it: 30 (%), 256 (kbit/s), 200 (ms), 5 (s). */
  amount?: number;
  /** delay's jitter, in ms. */
  jitter?: number;
  /** What it does, in words (status and ls say it). */
  what: string;
  /** When it was made (ISO 8601). */
  made_at: string;
}

/** The kinds that change a server's traffic shaping (one root queueing discipline per interface: one at a time). */
export const SHAPING_KINDS: readonly FaultKind[] = ['rate', 'delay', 'corrupt'];

/** A partition of one server from all the others is `partition-<server>-all`; a hung component `hang-web-01-app`. */
export function faultId(kind: FaultKind, servers: string[], component?: string): string {
  const named = kind === 'partition' && servers.length > 2 ? [servers[0], 'all'] : servers;
  return [kind, ...named, ...(component ? [component] : [])].join('-');
}

/** `web-01/app` → the server and the component's kind; `web-01` → the server alone. */
export function parseServerComponent(value: string): { server: string; component?: string } {
  const [server, component] = value.split('/');
  return component ? { server, component } : { server };
}

/** `30%` or `30` → 30, a whole percentage from 1 to 100. */
export function parsePercent(value: string, field: string): number {
  const match = /^(\d{1,3})%?$/.exec(value.trim());
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent >= 1 && percent <= 100)) {
    throw new UsageError(`${field} must be a percentage from 1% to 100% (got "${value}")`, [
      `${field}: for example 30%`,
    ]);
  }
  return percent;
}

/** `256kbit`, `1mbit` → kbit/s (tc's units; at least 8kbit, at most 10gbit). */
export function parseRate(value: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(kbit|mbit|gbit)$/i.exec(value.trim());
  const kbit = match ? Number(match[1]) * { kbit: 1, mbit: 1000, gbit: 1_000_000 }[match[2].toLowerCase()]! : NaN;
  if (!(kbit >= 8 && kbit <= 10_000_000)) {
    throw new UsageError(`${field} must be a rate such as 256kbit or 1mbit (got "${value}")`, [
      `${field}: a number with kbit, mbit or gbit, from 8kbit to 10gbit`,
    ]);
  }
  return Math.round(kbit);
}

/** `200ms`, `1s` → milliseconds (1 ms to 60 s). */
export function parseMilliseconds(value: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
  if (!(ms >= 1 && ms <= 60_000)) {
    throw new UsageError(`${field} must be a time such as 200ms or 1s (got "${value}")`, [
      `${field}: a number with ms or s, from 1ms to 60s`,
    ]);
  }
  return Math.round(ms);
}

/** `5s`, `2m` → whole seconds (1 s to 1 h): how far behind a replica applies. */
export function parseSeconds(value: string, field: string): number {
  const match = /^(\d+)(s|m)?$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : NaN;
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new UsageError(`${field} must be a time such as 5s or 2m (got "${value}")`, [
      `${field}: whole seconds (s) or minutes (m), from 1s to 60m`,
    ]);
  }
  return seconds;
}

/** What a fault does, as status says it. */
export function describeFault(fault: Pick<Fault, 'kind' | 'servers' | 'amount' | 'jitter' | 'component'>): string {
  const [a, b] = fault.servers;
  switch (fault.kind) {
    case 'partition':
      return fault.servers.length > 2
        ? `${a} cannot reach any other server, nor they it (all keep running)`
        : `${a} and ${b} cannot reach each other (both keep running)`;
    case 'loss':
      return `${a} drops ${fault.amount}% of its packets, in and out`;
    case 'rate':
      return `${a} sends at most ${formatRate(fault.amount!)}`;
    case 'delay':
      return `${a}'s packets leave ${fault.amount} ms late${fault.jitter ? ` (± ${fault.jitter} ms)` : ''}`;
    case 'corrupt':
      return `${a} corrupts ${fault.amount}% of the packets it sends`;
    case 'lag':
      return `${a}'s database applies each change ${fault.amount} s after the primary made it`;
    case 'hang':
      return fault.component
        ? `${a}'s ${fault.component} is frozen (paused): it neither answers nor dies`
        : `every process of ${a} is frozen (paused): it neither answers nor dies`;
  }
}

function formatRate(kbit: number): string {
  return kbit >= 1000 && kbit % 1000 === 0 ? `${kbit / 1000} mbit/s` : `${kbit} kbit/s`;
}
