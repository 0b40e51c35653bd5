// Parse Mermaid files with Mermaid's own parser, offline.
//
//   node tests/tools/mermaid-check/check.mjs FILE...
//
// Prints `ok FILE` or `error FILE: MESSAGE` per file; exits 1 when any file
// fails to parse. Mermaid expects a browser DOM, so jsdom stands in for one.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`ok ${file}`);
  } catch (err) {
    failed += 1;
    const message = String(err?.message ?? err).replace(/\s+/g, ' ');
    console.log(`error ${file}: ${message}`);
  }
}
process.exit(failed ? 1 : 0);
