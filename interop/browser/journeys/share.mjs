import { createServer } from 'node:http';
import { check, expectText } from '../lib.mjs';

// The earner looks at sharing the credential from the earlier journeys, which the issuer has
// revoked: no "Add to profile" or posts are offered (the panel says why), the tracked
// LinkedIn link leads back to the badge's page instead of LinkedIn, and a website that
// embeds the credential shows it as revoked.
export async function shareAndEmbed(ctx) {
  const { page } = ctx;
  await page.goto(ctx.credentialUrl);
  const id = new URL(ctx.credentialUrl).pathname.split('/').pop();
  const offered = await page.$$eval('a.share-linkedin-profile, a.share-linkedin, a.share-x, a.share-facebook',
    (links) => links.length);
  check(offered === 0, `a revoked badge still offers ${offered} LinkedIn/X/Facebook links`);
  const why = await page.$eval('.share-withheld', (p) => p.textContent.trim());
  check(/revoked/i.test(why), `the share panel does not say why: ${why}`);
  const name = await page.$eval('#badge-name', (h) => h.textContent.trim());

  // An old "Add to profile" link (from the badge email) no longer leads to LinkedIn.
  const res = await fetch(new URL(`/s/${id}/linkedin-profile`, ctx.base), { redirect: 'manual' });
  check(res.status === 303, `share redirect answered ${res.status}`);
  const target = new URL(res.headers.get('location'), ctx.base);
  check(!target.hostname.endsWith('linkedin.com') && target.pathname === `/credentials/${id}`,
    `the LinkedIn link of a revoked badge goes to ${target}`);

  // The website snippet, pasted into another site's page, shows the live status.
  const snippet = await page.$eval('#share-embed', (t) => t.value);
  check(snippet.includes(`/embed/${id}`), `embed snippet: ${snippet}`);
  const site = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><title>My portfolio</title><link rel="icon" href="data:,">` +
        `<h1>My badges</h1>${snippet}`);
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
  try {
    // "localhost" is another origin than the instance's 127.0.0.1.
    await page.goto(`http://localhost:${site.address().port}/`);
    await expectText(page, 'My badges', 'h1');
    const frameHandle = await page.waitForSelector('iframe');
    const frame = await frameHandle.contentFrame();
    check(frame, 'the embed did not load in its frame');
    await frame.waitForSelector('.embed-status');
    const status = await frame.$eval('.embed-status', (s) => s.textContent.trim());
    check(status === 'Revoked', `the embed says "${status}", not "Revoked"`);
    const shown = await frame.$eval('.embed-name', (s) => s.textContent.trim());
    check(shown === name, `the embed names "${shown}"`);
  } finally {
    site.close();
  }
}
