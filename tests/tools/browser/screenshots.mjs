// The README's screenshots of `guidetree serve`: a question page of
// trees/reconnect.tree and an outcome page of trees/hello.tree, in headless
// Chromium.
//
//   node screenshots.mjs BASE_URL OUT_DIR
import { chromium } from 'playwright-core';

const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 720, height: 900 }, javaScriptEnabled: false });
async function go(name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
}
await page.goto(`${base}/t/reconnect`);
await page.check('input[value=none]');
await go('Continue');
await page.screenshot({ path: `${out}/serve-question.png`, fullPage: true });
await page.goto(`${base}/t/hello`);
await go('Continue');
await page.check('input[value=bit]');
await go('Continue');
await page.check('input[value=restless]');
await go('Continue');
await page.fill('#value', '45');
await go('Continue');
await page.check('input[value=outside]');
await go('Continue');
await page.screenshot({ path: `${out}/serve-outcome.png`, fullPage: true });
await browser.close();
console.log(`wrote ${out}/serve-question.png and ${out}/serve-outcome.png`);
