// The Handlebars environment: loads each template once, strict (a missing value is an error, not an empty string),
// no HTML escaping (we render configs), and one helper to emit JSON scalars, which are valid YAML too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../paths.js';

const hbs = Handlebars.create();
hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));

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
    template = hbs.compile(readFileSync(source, 'utf8'), { noEscape: true, strict: true });
    cache.set(source, template);
  }
  return template(view);
}
