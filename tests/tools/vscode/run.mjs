// Drives a real VS Code (Code-OSS, served by code-server) with the guidetree
// extension installed, in Debian's Chromium (Playwright). Called by
// tests/vscode.rs:
//
//   node run.mjs PLAN.json
//
// PLAN.json: { base, workspace, file, guidetree, shots }: the workbench's
// URL, the folder it has open (a copy of trees/), the tree to open in it, the
// guidetree binary (to compute the expected formatting), and where to write
// the screenshots (null: none).
//
// It opens the tree and checks, as an author would see them: highlighting
// by the extension's TextMate grammar, a live error (squiggle, hover and
// Problems, with its E-code) after an edit and its disappearance after undo,
// go to definition (F12) within the file and into an include, format on
// save, and rename (F2). Prints one line per check and "N passed, M failed",
// and exits 1 on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const path = join(plan.workspace, plan.file);
const original = readFileSync(path, 'utf8');
const lines = original.split('\n');
let passed = 0;
let failed = 0;

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok: ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAILED: ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
    if (e && e.stack) console.log(e.stack.split('\n').filter((l) => l.includes('run.mjs')).join('\n'));
    if (plan.shots) {
      await page.screenshot({ path: join(plan.shots, `failed-${passed + failed}.png`) }).catch(() => {});
    }
  }
}

/** 1-based line of the first line matching `re`. */
function lineOf(re, text = original) {
  const i = text.split('\n').findIndex((l) => re.test(l));
  assert(i >= 0, `no line matches ${re}`);
  return i + 1;
}

/** Where two texts first differ, for messages. */
function firstDifference(got, want) {
  const [a, b] = [got.split('\n'), want.split('\n')];
  const i = a.findIndex((l, n) => l !== b[n]);
  if (i < 0) return `${a.length} lines instead of ${b.length}`;
  return `line ${i + 1} is ${JSON.stringify(a[i])}, expected ${JSON.stringify(b[i])}`;
}

/** `guidetree fmt -` on `text`. */
function formatted(text) {
  return execFileSync(plan.guidetree, ['fmt', '-'], { input: text, cwd: plan.workspace }).toString();
}

async function until(what, test, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(15000);
const editor = page.locator('.editor-group-container.active .monaco-editor').first();

/** The status bar's cursor position, as [line, column]. */
async function cursor() {
  const text = await page.locator('#status\\.editor\\.selection').innerText();
  const m = /Ln (\d+), Col (\d+)/.exec(text);
  assert(m, `no cursor position in the status bar: ${text}`);
  return [Number(m[1]), Number(m[2])];
}

/** The label of the active editor tab. */
async function activeTab() {
  return (await page.locator('.tabs-container .tab.active .label-name').first().innerText()).trim();
}

/** Put the cursor at `line`:`column` (1-based) with Go to Line. */
async function goTo(line, column = 1) {
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await until(`the cursor at ${line}:${column}`, async () => {
    const [l, c] = await cursor();
    return l === line && c === column;
  });
}

/** Run a command from the command palette. */
async function command(label) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(label);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor();
  await page.keyboard.press('Enter');
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30000 });
  await row.click();
  // Park the pointer on the empty title bar, where it shows no tooltip.
  await page.mouse.move(200, 16);
  await until(`${name} to open`, async () => (await activeTab()) === name);
  await editor.locator('.view-lines').waitFor();
}

/** Does the active editor have unsaved changes? */
async function dirty() {
  return (await page.locator('.tabs-container .tab.active.dirty').count()) > 0;
}

async function save() {
  await page.keyboard.press('Control+S');
  await until('the file to be saved', async () => !(await dirty()));
}

/** The problems the Problems panel shows, one text per row. */
async function problems() {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

const t0 = Date.now();
await page.goto(`${plan.base}/?folder=${encodeURIComponent(plan.workspace)}`);
await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
await openFile(plan.file);
console.log(`workbench and ${plan.file} open in ${Date.now() - t0} ms`);

await check('the extension starts `guidetree lsp` and the language mode is guidetree', async () => {
  const mode = page.locator('#status\\.editor\\.mode');
  await until('the language mode guidetree', async () => (await mode.innerText()).trim() === 'guidetree');
  // The outline comes from the language server's document symbols.
  await until('the breadcrumbs to show a symbol from the server', async () => {
    const crumbs = await page.locator('.breadcrumbs-control').innerText();
    return crumbs.includes('reconnect');
  }, 30000);
});

await check('highlighting: tokens are coloured by the extension\'s TextMate grammar', async () => {
  const startLine = lineOf(/^question \w+ \{/);
  await goTo(startLine, 1);
  // The scopes VS Code's own inspector reports under the cursor.
  await command('Developer: Inspect Editor Tokens and Scopes');
  const widget = page.locator('.token-inspect-widget');
  await widget.waitFor();
  const text = await widget.innerText();
  assert(text.includes('storage.type.node.guidetree'), `the inspector shows no guidetree scope:\n${text}`);
  assert(text.includes('source.guidetree'), `the inspector shows no source.guidetree:\n${text}`);
  await page.keyboard.press('Escape');
  // And the colours on screen: keywords, names, strings and comments differ.
  const colours = await page.evaluate(() => {
    const out = {};
    for (const line of document.querySelectorAll('.editor-group-container.active .view-line')) {
      for (const span of line.querySelectorAll('span > span')) {
        const word = span.textContent.trim();
        if (!word) continue;
        const colour = getComputedStyle(span).color;
        if (word.startsWith('#')) out.comment ??= colour;
        else if (word.startsWith('"')) out.string ??= colour;
        else if (word === 'question') out.question ??= colour;
        else if (word === 'option') out.option ??= colour;
        else if (word === '->') out.arrow ??= colour;
      }
    }
    return out;
  });
  for (const kind of ['comment', 'string', 'question', 'option']) {
    assert(colours[kind], `no ${kind} token on screen: ${JSON.stringify(colours)}`);
  }
  const distinct = new Set([colours.comment, colours.string, colours.question]);
  assert(distinct.size === 3, `comments, strings and node keywords share a colour: ${JSON.stringify(colours)}`);
  if (plan.shots) {
    // The first question with the comment above it at the top of the
    // editor (Go to Line centres its line; about 36 lines are visible), the
    // cursor at the start of an indented line, away from any word.
    const first = lineOf(/^question \w+ \{/);
    let top = first;
    while (top > 1 && lines[top - 2].startsWith('#')) top -= 1;
    await goTo(1, 1);
    await goTo(top + 18, 1);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(plan.shots, 'editor.png') });
  }
});

await check('go to definition (F12): from `start` to the node', async () => {
  const at = lineOf(/^ {2}start \w+$/);
  const id = /start (\w+)/.exec(lines[at - 1])[1];
  const target = lineOf(new RegExp(`^(question|checklist|info|input|outcome) ${id} \\{`));
  await goTo(at, lines[at - 1].indexOf(id) + 2);
  await page.keyboard.press('F12');
  await until(`the cursor on line ${target}`, async () => (await cursor())[0] === target);
});

await check('go to definition (F12): from an include into the other file', async () => {
  const at = lineOf(/^include "[^"]+" as \w+/);
  const file = /^include "([^"]+)"/.exec(lines[at - 1])[1];
  await goTo(at, lines[at - 1].indexOf(file) + 3);
  await page.keyboard.press('F12');
  await until(`${file} to open`, async () => (await activeTab()) === file);
  await openFile(plan.file);
});

await check('a live error: squiggle, hover and Problems with the E-code, gone after undo', async () => {
  const at = lineOf(/^ {2}start \w+$/);
  await goTo(at, lines[at - 1].length + 1);
  await page.keyboard.type('z');
  const squiggle = editor.locator('.squiggly-error');
  await squiggle.first().waitFor({ timeout: 20000 });
  await page.keyboard.press('Control+Shift+M');
  await until('E003 in Problems', async () => (await problems()).some((p) => p.includes('E003')));
  const rows = await problems();
  assert(rows.some((p) => /unknown node `\w+z`/.test(p)), `Problems: ${JSON.stringify(rows)}`);
  // The hover on the squiggle shows the checker's message and its help.
  await goTo(at, lines[at - 1].length);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover').first();
  await hover.waitFor();
  await until('the message in the hover', async () => /unknown node/.test(await hover.innerText()));
  const text = await hover.innerText();
  assert(/E003/.test(text), `the hover has no E003:\n${text}`);
  if (plan.shots) {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(plan.shots, 'editor-error.png') });
  }
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Z');
  await until('the squiggle to go', async () => (await squiggle.count()) === 0);
  await until('Problems to empty', async () => (await problems()).length === 0);
  assert(!(await dirty()), 'the file is still marked changed after undo');
  await page.keyboard.press('Control+Shift+M');
});

await check('format on save', async () => {
  // Two changes a formatter must undo: a wrong indentation and a missing
  // space before `->`.
  const start = lineOf(/^ {2}start \w+$/);
  await goTo(start, 1);
  await page.keyboard.type('   ');
  const arrow = lineOf(/^ {2}option .* -> \w+$/);
  await goTo(arrow, lines[arrow - 1].indexOf(' -> ') + 2);
  await page.keyboard.press('Backspace');
  assert(await dirty(), 'the edits did not mark the file as changed');
  await save();
  const saved = readFileSync(path, 'utf8');
  const want = formatted(original);
  assert(saved === want, `the saved file is not the formatted tree: ${firstDifference(saved, want)}`);
  assert(saved === original, 'formatting did not restore the formatted original');
});

await check('rename (F2) a node: its definition and every `->`', async () => {
  const counts = new Map();
  for (const m of original.matchAll(/-> (\w+)/g)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  const [id, uses] = [...counts].sort((a, b) => b[1] - a[1])[0];
  assert(uses >= 2, 'no node is the target of two options');
  // Same length, so that no aligned comment moves.
  const renamed = `z${id.slice(1)}`;
  assert(!original.includes(renamed), `${renamed} already occurs in ${plan.file}`);
  const at = lineOf(new RegExp(`^(question|checklist|info|input|outcome) ${id} \\{`));
  await goTo(at, lines[at - 1].indexOf(` ${id}`) + 2);
  await page.keyboard.press('F2');
  const input = page.locator('.rename-box .rename-input');
  await input.waitFor();
  await until('the rename box to take the focus', () => input.evaluate((e) => e === document.activeElement));
  await input.fill(renamed);
  await page.keyboard.press('Enter');
  await until('the rename to apply', async () => dirty());
  await save();
  const saved = readFileSync(path, 'utf8');
  const count = (saved.match(new RegExp(`\\b${renamed}\\b`, 'g')) ?? []).length;
  assert(count >= uses + 1, `${renamed} occurs ${count} times, expected at least ${uses + 1}`);
  assert(!new RegExp(`-> ${id}\\b`).test(saved), `an option still goes to ${id}`);
  const back = saved.replaceAll(renamed, id);
  assert(back === original, `the rename changed more than the id: ${firstDifference(back, original)}`);
  // The server agrees: the renamed tree still checks clean.
  execFileSync(plan.guidetree, ['check', plan.file], { cwd: plan.workspace, stdio: 'pipe' });
});

writeFileSync(path, original);
await browser.close();
console.log(`${passed} passed, ${failed} failed (${Date.now() - t0} ms)`);
process.exit(failed ? 1 : 0);
