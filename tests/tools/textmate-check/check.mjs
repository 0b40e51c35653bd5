// Tokenise tree files with VS Code's TextMate engine (vscode-textmate and
// the Oniguruma regular expressions VS Code uses), offline.
//
//   node tests/tools/textmate-check/check.mjs GRAMMAR [--html OUT] FILE...
//
// For each file, prints one JSON line:
//   {"file", "tokens", "bare": [[line, column, text], ...], "illegal": [...], "open": depth}
// `bare` lists text outside any token scope other than the root that is
// not whitespace; `illegal` the text scoped `invalid.illegal` (what the
// grammar does not recognise); `open` is how many regions (strings) are
// still open at the end of the file (0 when all closed). With --html, also writes the
// first file highlighted as HTML (classes are the scopes) to OUT.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
await oniguruma.loadWASM(wasm);

const args = process.argv.slice(2);
const grammarPath = args.shift();
let htmlOut = null;
if (args[0] === '--html') {
  args.shift();
  htmlOut = args.shift();
}

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath),
});
const grammar = await registry.loadGrammar('source.guidetree');

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

for (const file of args) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  let stack = vsctm.INITIAL;
  let tokens = 0;
  const bare = [];
  const illegal = [];
  const html = [];
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    let htmlLine = '';
    for (const t of result.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      tokens += 1;
      if (t.scopes.length === 1 && text.trim() !== '') {
        bare.push([i + 1, t.startIndex + 1, text]);
      }
      if (t.scopes.some((s) => s.startsWith('invalid.illegal'))) {
        illegal.push([i + 1, t.startIndex + 1, text]);
      }
      const cls = t.scopes.slice(1).map((s) => s.replace(/\./g, '-')).join(' ');
      htmlLine += cls ? `<span class="${cls}">${escape(text)}</span>` : escape(text);
    }
    html.push(htmlLine);
    stack = result.ruleStack;
  });
  let open = 0;
  for (let s = stack; s && s.parent; s = s.parent) open += 1;
  console.log(JSON.stringify({ file, tokens, bare, illegal, open }));
  if (htmlOut && file === args[0]) {
    writeFileSync(htmlOut, html.join('\n'));
  }
}
