import { createServer } from 'node:http';
import { check, expectText } from '../lib.mjs';

// A visitor looks at the credential from the earlier journeys, which the issuer has revoked
// and which is not theirs: the page offers its link only (the share buttons, snippets and QR
// code are its owner's tools), the tracked LinkedIn link leads back to the badge's page
// instead of LinkedIn, and a website that embeds the credential shows it as revoked.
export async function shareAndEmbed(ctx) {
  const { page } = ctx;
  await page.goto(ctx.credentialUrl);
  const id = new URL(ctx.credentialUrl).pathname.split('/').pop();
  const tools = await page.$$eval('.share-buttons, #share-signature, #share-embed, .share-qr',
    (found) => found.length);
  check(tools === 0, `a visitor who does not own the badge sees ${tools} owner share tools`);
  const link = await page.$eval('#share-url', (i) => i.value);
  check(link.endsWith(`/credentials/${id}`), `the page's link to share is ${link}`);
  const name = await page.$eval('#badge-name', (h) => h.textContent.trim());
  // The verification sits under the badge's texts, so neither column runs on alone: the
  // page was 3,457 px tall at 1280 px with a long sidebar beside an empty column, now ~2,100.
  const viewport = page.viewport();
  await page.setViewport({ width: 1280, height: 800 });
  const tall = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport) await page.setViewport(viewport);
  check(tall < 2600, `the credential page is ${tall} px tall at 1280 px`);

  // An old "Add to profile" link (from the badge email) no longer leads to LinkedIn.
  const res = await fetch(new URL(`/s/${id}/linkedin-profile`, ctx.base), { redirect: 'manual' });
  check(res.status === 303, `share redirect answered ${res.status}`);
  const target = new URL(res.headers.get('location'), ctx.base);
  check(!target.hostname.endsWith('linkedin.com') && target.pathname === `/credentials/${id}`,
    `the LinkedIn link of a revoked badge goes to ${target}`);

  // The owner's website snippet, pasted into another site's page, shows the live status.
  const snippet = `<iframe src="${new URL(`/embed/${id}`, ctx.base)}" title="${name}" width="360" height="200" style="border:0"></iframe>`;
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
