// Screenshots of a signed-in page at 1280 and 390 px wide, full length, with the checks the
// journeys make: no script or console errors, no broken subresource, no sideways scrolling.
//   node interop/browser/dashboard-shots.mjs BASE_URL SESSION_TOKEN PATH OUT_PREFIX
// writes OUT_PREFIX-1280.png and OUT_PREFIX-390.png and exits non-zero on a problem.
import { launch, watchedPage } from './lib.mjs';

const [base, token, path, out] = process.argv.slice(2);
const problems = [];
const browser = await launch();
try {
  for (const width of [1280, 390]) {
    const page = await watchedPage(browser, problems);
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    await page.setCookie({ name: 'accolade_session', value: token, url: base });
    const res = await page.goto(base + path, { waitUntil: 'load' });
    if (res.status() !== 200) problems.push(`${path} answered ${res.status()} at ${width} px`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) problems.push(`${path} lays out ${wide} px wide at ${width} px`);
    // Open every table, so the screenshot shows them too.
    await page.$$eval('details.chart-table', (ds) => ds.forEach((d) => { d.open = true; }));
    const wideOpen = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wideOpen > width) problems.push(`${path} with its tables open lays out ${wideOpen} px wide at ${width} px`);
    await page.$$eval('details.chart-table', (ds) => ds.forEach((d) => { d.open = false; }));
    await page.screenshot({ path: `${out}-${width}.png`, fullPage: true });
    console.log(`${out}-${width}.png`);
    await page.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
