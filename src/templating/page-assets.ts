// What the lab's live pages inline (they run offline, and Prometheus serves a console, not the files beside it): the
// diagram's script and style (templates/pages/), and uPlot, a small, well-kept time-series chart (about 50 kB, no
// dependencies) read from node_modules. Each is read once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { templatesDir } from '../paths.js';

export interface PageAssets {
  diagramJs: string;
  diagramCss: string;
  uplotJs: string;
  uplotCss: string;
  uplotVersion: string;
}

let read: PageAssets | undefined;

export function pageAssets(): PageAssets {
  if (!read) {
    const require = createRequire(import.meta.url);
    const uplot = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
    const { version } = JSON.parse(readFileSync(path.join(uplot, '..', 'package.json'), 'utf8')) as { version: string };
    const pages = path.join(templatesDir, 'pages');
    read = {
      diagramJs: readFileSync(path.join(pages, 'diagram.js'), 'utf8').trimEnd(),
      diagramCss: readFileSync(path.join(pages, 'diagram.css'), 'utf8').trimEnd(),
      uplotJs: readFileSync(path.join(uplot, 'uPlot.iife.min.js'), 'utf8'),
      uplotCss: readFileSync(path.join(uplot, 'uPlot.min.css'), 'utf8'),
      uplotVersion: version,
    };
  }
  return read;
}
