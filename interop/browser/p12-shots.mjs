// Screenshots of the onboarding pages at 1280 and 390 px (kept out of the journeys).
import { launch } from './lib.mjs';
const [base, email, password, out] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
async function shot(path, name) {
  for (const width of [1280, 390]) {
    await page.setViewport({ width, height: 900 });
    await page.goto(base + path, { waitUntil: 'networkidle0' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    console.log(`${name} @${width}: overflow ${overflow}px`);
    await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true });
  }
}
await shot('/', 'home');
// Sign in as the demo owner.
await page.setViewport({ width: 1280, height: 900 });
await page.goto(base + '/signin');
await page.type('#f-email', email);
await page.type('#f-password', password);
await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
// A new, empty organization.
await page.goto(base + '/dashboard');
await page.type('#f-name', 'Fresh Start College');
await page.type('#f-url', 'https://fresh.example');
await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
await shot('/dashboard/orgs/fresh-start-college', 'overview-empty');
// The demo's course with its required custom field.
await page.goto(base + '/dashboard/orgs/northwind-academy/achievements');
const hrefs = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
const issue = hrefs.filter((h) => h && h.endsWith('/issue'));
const pub = hrefs.filter((h) => h && h.startsWith('/achievements/'));
console.log(issue, pub);
for (const h of issue) {
  await page.goto(base + h);
  if ((await page.content()).includes('field-final-project')) { await shot(h, 'issue-form'); break; }
}
await shot(pub[2] || pub[0], 'achievement-page');
await shot(pub[2] + '?lang=de', 'achievement-page-de');
const first = (await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')))).find((h) => h && h.includes('/edit'));
await shot('/dashboard/orgs/northwind-academy/achievements/new', 'achievement-new');
console.log('problems', problems);
await browser.close();
