// The Handlebars environment: loads each template once, strict (a missing value is an error, not an empty string),
// no HTML escaping (we render configs), and one helper to emit JSON scalars, which are valid YAML too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { templatesDir } from '../paths.js';

let hbs: typeof Handlebars | undefined;
/**
 * Handlebars, loaded when the first template compiles: most commands render nothing, and it would cost each of them
 * its load. Required (it is CommonJS), since rendering is synchronous.
 */
function handlebars(): typeof Handlebars {
  if (!hbs) {
    hbs = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
    hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  }
  return hbs;
}

const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders `templates/<name>.hbs` with its view model. */
export function renderTemplate(name: string, view: object): string {
  return renderTemplateIn(templatesDir, name, view);
}

/** Renders `<dir>/<name>.hbs`: a kind's own templates, in its folder (kindsDir). */
export function renderTemplateIn(dir: string, name: string, view: object): string {
  const source = path.join(dir, `${name}.hbs`);
  let template = cache.get(source);
  if (!template) {
    template = handlebars().compile(readFileSync(source, 'utf8'), { noEscape: true, strict: true });
    cache.set(source, template);
  }
  return template(view);
}
