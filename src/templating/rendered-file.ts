// What render produces and the writer writes: a path relative to the lab folder, its bytes, and its mode.

export interface RenderedFile {
  path: string;
  content: string;
  /** File mode; 0o644 unless the file must be executable or private. */
  mode: number;
  /** Extras only (files infra keeps but does not track, like .env): replace the one on disk. Unset: write if absent. */
  replace?: boolean;
}

export function file(path: string, content: string, mode = 0o644): RenderedFile {
  return { path, content, mode };
}
