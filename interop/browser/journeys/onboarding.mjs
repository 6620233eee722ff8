import { clickAndWait, expectText, text, check } from '../lib.mjs';

// A newcomer finds the way to issue from the home page; right after creating an achievement
// the issuer is offered to issue it; the badge's tile on the issuer page opens a page for
// people (not JSON), readable at desktop and phone widths.
export async function achievementPage(ctx) {
  const { page, base } = ctx;
  await page.goto(`${base}/`);
  const start = await page.$$eval('main a', (as) =>
    as.filter((a) => a.textContent.includes('Start issuing badges')).map((a) => a.getAttribute('href')));
  check(start.length === 1, 'the home page offers "Start issuing badges"');

  check(ctx.achievementEdit, 'the achievement journey gives the edit page');
  await page.goto(ctx.achievementEdit);
  await expectText(page, 'Issue this badge');

  const slug = new URL(ctx.workspace).pathname.split('/').pop();
  await page.goto(`${base}/issuers/${slug}`);
  await clickAndWait(page, 'Harbor Safety Level 1', { tag: 'a' });
  check(/\/achievements\/[0-9a-f-]+$/.test(page.url()), `expected the achievement's page, got ${page.url()}`);
  const type = await page.evaluate(() => document.contentType);
  check(type === 'text/html', `a browser gets a page, not ${type}`);
  await expectText(page, 'How to earn it');
  await expectText(page, 'practical assessment');
  await expectText(page, 'Harbor Training Institute');
  const before = page.viewport();
  for (const width of [1280, 390]) {
    await page.setViewport({ width, height: 900 });
    await page.reload({ waitUntil: 'load' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `the achievement page scrolls sideways by ${overflow}px at ${width}px`);
    const h1 = await text(page, 'h1');
    check(h1.includes('Harbor Safety Level 1'), `the page's heading names the badge: ${h1}`);
  }
  if (before) await page.setViewport(before);
}
