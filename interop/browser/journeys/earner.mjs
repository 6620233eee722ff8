import { createServer } from 'node:http';
import { join } from 'node:path';
import { artifacts, check, clickAndWait, expectText, fill, upload, watchedPage } from '../lib.mjs';
import { downloadBadgePng } from './download.mjs';

// The earner from the claim journey (signed in) downloads the baked PNG of the badge they
// claimed and imports it back into their backpack, as they would a badge from elsewhere:
// the credential read from the image verifies and the backpack lists it as imported.
export async function reimportBaked(ctx) {
  const { page, base } = ctx;
  await page.goto(`${base}/backpack`);
  const href = await page.$$eval('main a[href^="/credentials/"]', (as) => {
    const a = as.find((x) => x.textContent.includes('Harbor Safety Level 1'));
    return a ? a.getAttribute('href') : null;
  });
  check(href, 'the backpack links to the claimed badge');
  ctx.claimedUrl = new URL(href, base).toString();
  const path = await downloadBadgePng(page, ctx.claimedUrl, join(artifacts(), 'claimed-badge.png'));

  await page.goto(`${base}/backpack/import`);
  await upload(page, 'Badge image (PNG or SVG) or file (JSON, JWT)', path);
  await clickAndWait(page, 'Import and verify');
  check(page.url().includes('/backpack/imports/'), `expected the import, got ${page.url()}`);
  await expectText(page, 'Harbor Safety Level 1');
  await expectText(page, 'Verified');

  await page.goto(`${base}/backpack`);
  const imported = await page.$$eval('main a[href^="/backpack/imports/"]', (as) =>
    as.map((a) => a.closest('li,article,tr,div')?.textContent || a.textContent).join('\n'));
  check(imported.includes('Harbor Safety Level 1'), `the backpack lists the import:\n${imported}`);
}

// The earner puts the claimed badge on their own website with the embed snippet: it says
// "Verified". The issuer, in their own browser session, revokes it; the same website,
// reloaded, now says "Revoked".
export async function embedTurnsRevoked(ctx) {
  const { page, base } = ctx;
  await page.goto(ctx.claimedUrl);
  // The public page knows who is looking: the earner's own menu, not "Sign in".
  const nav = await page.$eval('.site-nav', (n) => n.textContent);
  check(nav.includes('Sign out') && nav.includes('Backpack'), `the header shows the earner's menu: ${nav}`);
  const snippet = await page.$eval('#share-embed', (t) => t.value);
  const site = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><title>Lin's site</title><link rel="icon" href="data:,">` +
        `<h1>Certifications</h1>${snippet}`);
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
  const embedStatus = async () => {
    await page.goto(`http://localhost:${site.address().port}/`);
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    check(frame, 'the embed did not load in its frame');
    await frame.waitForSelector('.embed-status');
    return frame.$eval('.embed-status', (s) => [s.dataset.status, s.textContent.trim()]);
  };
  try {
    const [before, beforeLabel] = await embedStatus();
    check(before === 'active' && beforeLabel === 'Verified',
      `before revocation the embed says ${before} "${beforeLabel}"`);

    // The issuer, signed in elsewhere, revokes the award.
    const issuerSession = await ctx.browser.createBrowserContext();
    try {
      const issuer = await watchedPage(issuerSession, ctx.problems);
      await issuer.goto(`${base}/signin`);
      await fill(issuer, 'Email', ctx.email);
      await fill(issuer, 'Password', ctx.password);
      await clickAndWait(issuer, 'Sign in', { tag: 'main button' });
      await issuer.goto(`${ctx.workspace}/awards`);
      await fill(issuer, 'Recipient', 'lin@');
      await clickAndWait(issuer, 'Filter');
      await clickAndWait(issuer, 'Lin Wei');
      await fill(issuer, 'Reason', 'Certificate withdrawn after audit');
      await clickAndWait(issuer, 'Revoke');
      await expectText(issuer, 'revoked');
    } finally {
      await issuerSession.close();
    }

    const [after, afterLabel] = await embedStatus();
    check(after === 'revoked' && afterLabel === 'Revoked',
      `after revocation the embed says ${after} "${afterLabel}"`);
  } finally {
    site.close();
  }
}
