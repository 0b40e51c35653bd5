// Drives a running `guidetree serve` in Debian's Chromium (Playwright) and
// checks every distinct page with axe-core. Called by tests/serve_browser.rs:
//
//   node run.mjs PLAN.json
//
// PLAN.json: { base, exitUrl, out, trees: [{ id, paths: [[{ node, answer }]] }] }
// where each path is a witness from `guidetree paths --format json`. Writes
// { transcripts: [{ tree, answers, transcript }], pages } to `out`, prints
// one line per check and "N passed, M failed", and exits 1 on any failure.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = { transcripts: [], pages: 0 };
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
    console.log(`FAILED: ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function newPage(options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  // The neutral site behind "Leave this page" never leaves this machine.
  await context.route(`${plan.exitUrl}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><h1>Weather</h1>' }));
  await context.addInitScript({ content: axeSource });
  const page = await context.newPage();
  return { context, page };
}

// axe-core on the page as shown; every violation is a failure. axe is
// loaded by an init script (the pages' CSP rightly refuses inline scripts).
const seen = new Set();
async function axe(page, key) {
  if (seen.has(key)) return;
  seen.add(key);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  results.pages += 1;
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert(problems.length === 0, `axe on ${key}:\n  ${problems.join('\n  ')}`);
}

async function step(page) {
  return page.getAttribute('form[data-step]', 'data-step').catch(() => null);
}

async function outcome(page) {
  const el = await page.$('article[data-outcome]');
  return el ? el.getAttribute('data-outcome') : null;
}

// Wait for the next page after pressing a button (a page swap with
// JavaScript, a navigation without).
async function press(page, name, js) {
  const button = page.getByRole('button', { name, exact: true });
  if (js) {
    await page.evaluate(() => { document.body.dataset.stale = 'yes'; });
    await button.click();
    await page.waitForFunction(() => !document.body.dataset.stale);
  } else {
    await Promise.all([page.waitForNavigation(), button.click()]);
  }
}

async function focusedIsHeading(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.id === 'step-heading');
}

// Answer one step as a person would: pick, tick, type, then Continue.
async function answerStep(page, answer, js) {
  if (answer !== null && answer !== undefined) {
    if (await page.$('input[name=choice]')) {
      await page.check(`input[name=choice][value="${answer}"]`);
    } else if (await page.$('input[name=item]')) {
      const ticked = answer === '-' ? [] : answer.split('+');
      for (const box of await page.$$('input[name=item]')) {
        const value = await box.getAttribute('value');
        if (ticked.includes(value)) await box.check(); else await box.uncheck();
      }
    } else {
      await page.fill('#value', String(answer));
    }
  }
  await press(page, 'Continue', js);
}

// Walk one witness path; returns the outcome node reached.
async function walk(page, tree, path, js, label) {
  await page.goto(`${plan.base}/t/${tree}`);
  for (const { node, answer } of path) {
    const here = await step(page);
    assert(here === node, `${label}: expected step ${node}, the page shows ${here}`);
    assert(await focusedIsHeading(page), `${label}: focus is not on the heading of ${node}`);
    await axe(page, `${tree}/${node}`);
    await answerStep(page, answer, js);
  }
  const reached = await outcome(page);
  assert(reached, `${label}: no outcome after the last answer`);
  await axe(page, `${tree}/${reached}`);
  return reached;
}

async function download(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  const path = await dl.path();
  return readFileSync(path, 'utf8');
}

// 1. Every tree, every node, through witness paths; transcripts kept.
for (const tree of plan.trees) {
  await check(`${tree.id}: ${tree.paths.length} witness paths reach every node`, async () => {
    const { context, page } = await newPage();
    for (const [i, path] of tree.paths.entries()) {
      await walk(page, tree.id, path, true, `${tree.id} path ${i + 1}`);
      const transcript = JSON.parse(await download(page, 'Download the transcript'));
      results.transcripts.push({ tree: tree.id, answers: path, transcript });
    }
    await context.close();
  });
}

const hello = plan.trees.find((t) => t.id === 'hello');
const reconnect = plan.trees.find((t) => t.id === 'reconnect');

// 2. Back, why, restart, save and resume.
await check('hello: back, why, restart, save and resume', async () => {
  const { context, page } = await newPage();
  await page.goto(`${plan.base}/t/hello`);
  await press(page, 'Continue', true);
  await page.check('input[value=very]');
  await press(page, 'Continue', true);
  assert(await step(page) === 'feeling', 'after how_tired');
  await press(page, 'Why am I seeing this?', true);
  assert((await page.textContent('h1')) === 'Why you are seeing this', 'why page');
  assert(await focusedIsHeading(page), 'focus on the why heading');
  await axe(page, 'hello/why');
  await press(page, 'Back to the question', true);
  await press(page, 'Back', true);
  assert(await step(page) === 'how_tired', 'back to how_tired');
  assert(await page.isChecked('input[value=very]'), 'the undone answer is ticked again');
  await page.check('input[value=bit]');
  await press(page, 'Continue', true);
  await page.check('input[value=restless]');
  await press(page, 'Continue', true);
  const saved = await download(page, 'Save my answers');
  assert(JSON.parse(saved).answers.length === 3, `save file: ${saved}`);
  await press(page, 'Start again', true);
  assert(await step(page) === 'welcome', 'start again');
  // Resume by pasting, then by uploading the file.
  await press(page, 'Continue', true);
  await page.fill('#save-text', saved);
  await press(page, 'Go on from here', true);
  assert(await step(page) === 'time', `resumed at ${await step(page)}`);
  assert((await page.textContent('[role=status]')).includes('2 answers restored'), 'resume notice');
  await page.goto(`${plan.base}/t/hello`);
  await press(page, 'Continue', true);
  await page.setInputFiles('#save-file', { name: 'hello-answers.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await press(page, 'Go on from here', true);
  assert(await step(page) === 'time', 'resumed from an upload');
  await context.close();
});

// 3. A bad answer: error summary, announced, linked to the field.
await check('hello: a bad number shows an error summary linked to the field', async () => {
  const { context, page } = await newPage();
  await page.goto(`${plan.base}/t/hello`);
  await press(page, 'Continue', true);
  await page.check('input[value=fine]');
  await press(page, 'Continue', true);
  await page.check('input[value=calm]');
  await press(page, 'Continue', true);
  await page.fill('#value', 'ten');
  await press(page, 'Continue', true);
  const summary = page.locator('.error-summary');
  assert(await summary.getAttribute('role') === 'alert', 'the summary is announced');
  assert(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), 'focus on the summary');
  assert((await page.title()).startsWith('Error: '), 'the title says Error');
  await axe(page, 'hello/error');
  await summary.locator('a').click();
  assert(await page.evaluate(() => document.activeElement.id === 'value'), 'the link moves focus to the field');
  assert(await page.getAttribute('#value', 'aria-invalid') === 'true', 'aria-invalid');
  await context.close();
});

// 4. Quick exit: the page is replaced and Back cannot reach the guide.
async function quickExit(how) {
  const { context, page } = await newPage();
  await page.goto('about:blank');
  await page.goto(`${plan.base}/t/reconnect`);
  const path = reconnect.paths[0];
  for (const { answer } of path.slice(0, 2)) await answerStep(page, answer, true);
  if (how === 'click') {
    await Promise.all([page.waitForURL(`${plan.exitUrl}**`), page.click('text=Leave this page')]);
  } else {
    await Promise.all([page.waitForURL(`${plan.exitUrl}**`), (async () => {
      for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift');
    })()]);
  }
  assert(page.url().startsWith(plan.exitUrl), `now at ${page.url()}`);
  await page.goBack().catch(() => null);
  await page.waitForTimeout(300);
  assert(!page.url().startsWith(plan.base), `Back reached the guide: ${page.url()}`);
  assert(!(await page.content()).includes('Leave this page'), 'the guide is not shown after Back');
  await context.close();
}
await check('reconnect: "Leave this page" leaves nothing to go back to', () => quickExit('click'));
await check('reconnect: Shift three times leaves at once', () => quickExit('keys'));

// 5. The same run without JavaScript.
await check('every tree works with JavaScript disabled', async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  for (const tree of plan.trees) {
    const path = tree.paths[0];
    await page.goto(`${plan.base}/t/${tree.id}`);
    for (const { node, answer } of path) {
      assert(await step(page) === node, `${tree.id}: expected ${node}`);
      // autofocus moves focus to the heading without any script.
      assert(await focusedIsHeading(page), `${tree.id}: focus is not on the heading of ${node} without JavaScript`);
      await answerStep(page, answer, false);
    }
    assert(await outcome(page), `${tree.id}: an outcome without JavaScript`);
  }
  // Back and a bad answer without JavaScript too.
  await page.goto(`${plan.base}/t/hello`);
  await press(page, 'Continue', false);
  await press(page, 'Continue', false);
  assert((await page.textContent('.error-summary')).includes('Choose one of the options.'), 'error without JS');
  await page.check('input[value=fine]');
  await press(page, 'Continue', false);
  await press(page, 'Back', false);
  assert(await step(page) === 'how_tired', 'back without JS');
  await context.close();
});

// 6. The index page, phone size, 400% zoom, dark mode: still no violations
// and nothing wider than the screen.
await check('small screens, 400% zoom and dark mode', async () => {
  for (const [name, options] of [
    ['phone', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }],
    ['zoom400', { viewport: { width: 320, height: 256 } }],
    ['dark', { viewport: { width: 1024, height: 768 }, colorScheme: 'dark' }],
  ]) {
    const { context, page } = await newPage(options);
    for (const tree of [hello, reconnect].filter(Boolean)) {
      await page.goto(`${plan.base}/t/${tree.id}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      assert(!wide, `${name}: ${tree.id} scrolls sideways`);
      await axe(page, `${tree.id}/${name}`);
    }
    await context.close();
  }
  const { context, page } = await newPage();
  await page.goto(`${plan.base}/`);
  await axe(page, 'index');
  await context.close();
});

await browser.close();
writeFileSync(plan.out, JSON.stringify(results));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
