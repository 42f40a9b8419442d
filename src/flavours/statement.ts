// One SQL statement of a replication plan, with a printable twin whose passwords are masked.

export interface Statement {
  sql: string;
  /** The same statement with every password replaced by '***', for printing. */
  shown: string;
  /** What to do when the server refuses it for lack of privileges (said with the error). */
  ifDenied?: string;
}

const MASK = '***';

export function stmt(sql: string, secrets: string[] = []): Statement {
  return { sql, shown: secrets.reduce((s, secret) => s.split(secret).join(MASK), sql) };
}

/** A string literal for SQL, for both flavours (backslash and quote doubled). */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
