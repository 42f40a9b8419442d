// The Handlebars environment: loads templates/ once, strict (a missing value is an error, not an empty string),
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
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8');
    template = hbs.compile(source, { noEscape: true, strict: true });
    cache.set(name, template);
  }
  return template(view);
}
