// Use case `init`: writes a commented infra.yaml holding the built-in lab's values, for the user to change.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIG_FILE, schemaFile } from '../paths.js';
import { renderTemplate } from '../templating/engine.js';
import { DEFAULT_LAB } from '../topology/lab-constants.js';

export async function initConfig(cwd: string, file: string | undefined, force: boolean): Promise<string> {
  const target = path.resolve(cwd, file ?? DEFAULT_CONFIG_FILE);
  // The schema's absolute path: editors with the YAML language server then complete and check the file.
  const content = renderTemplate('infra.yaml', { ...DEFAULT_LAB, schema: schemaFile });
  try {
    // 'wx' fails when the file exists: the check and the write are one step, so nothing is overwritten by a race.
    await writeFile(target, content, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`${target} already exists; nothing was written`, [
        '--force: overwrite it (your changes to it are lost)',
      ]);
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(`cannot write ${target}: the folder ${path.dirname(target)} does not exist`, [
        `[file]: create the folder first (\`mkdir -p ${path.dirname(target)}\`), or name a file in an existing one`,
      ]);
    }
    if (code === 'EISDIR') {
      throw new UsageError(`${target} is a folder`, ['[file]: name a file, e.g. infra.yaml']);
    }
    throw error;
  }
  return target;
}
