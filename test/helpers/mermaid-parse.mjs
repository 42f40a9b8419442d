#!/usr/bin/env node
// Parses Mermaid diagrams with Mermaid's own parser (mermaid.parse under jsdom), in a process of its own so jest's
// module system never loads mermaid. Reads a JSON array of diagram sources on stdin; prints a JSON array of
// results: { ok: true, type } or { ok: false, error }.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(source);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error.message ?? error).split('\n')[0] });
  }
}
process.stdout.write(JSON.stringify(results));
