import { createServer } from 'node:http';
import { check, expectText } from '../lib.mjs';

// The earner shares the (revoked) credential from the earlier journeys: the LinkedIn
// "Add to profile" button leads, through a counted redirect, to LinkedIn's form with the
// certification filled in; and a website that embeds the credential shows it as revoked.
export async function shareAndEmbed(ctx) {
  const { page } = ctx;
  await page.goto(ctx.credentialUrl);
  const id = new URL(ctx.credentialUrl).pathname.split('/').pop();
  const href = await page.$eval('a.share-linkedin-profile', (a) => a.getAttribute('href'));
  check(href === `/s/${id}/linkedin-profile`, `unexpected LinkedIn share link ${href}`);
  const name = await page.$eval('#badge-name', (h) => h.textContent.trim());

  // Follow the tracked link without leaving for LinkedIn: a 303 to the prefilled form.
  const res = await fetch(new URL(href, ctx.base), { redirect: 'manual' });
  check(res.status === 303, `share redirect answered ${res.status}`);
  const target = new URL(res.headers.get('location'));
  check(target.origin + target.pathname === 'https://www.linkedin.com/profile/add',
    `LinkedIn link goes to ${target}`);
  const p = target.searchParams;
  check(p.get('startTask') === 'CERTIFICATION_NAME', `startTask=${p.get('startTask')}`);
  check(p.get('name') === name, `name=${p.get('name')}, the page says ${name}`);
  check(p.get('organizationName') || p.get('organizationId'), 'no organization');
  check(p.get('certUrl') === ctx.credentialUrl, `certUrl=${p.get('certUrl')}`);
  check(p.get('certId') === id, `certId=${p.get('certId')}`);
  const year = new Date().getUTCFullYear();
  check(Math.abs(Number(p.get('issueYear')) - year) <= 1, `issueYear=${p.get('issueYear')}`);
  check(/^([1-9]|1[0-2])$/.test(p.get('issueMonth') || ''), `issueMonth=${p.get('issueMonth')}`);

  // The website snippet, pasted into another site's page, shows the live status.
  const snippet = await page.$eval('#share-embed', (t) => t.value);
  check(snippet.includes(`/embed/${id}`), `embed snippet: ${snippet}`);
  const site = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>My portfolio</title><link rel="icon" href="data:,">` +
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
