import { fill, clickAndWait, expectText, check } from '../lib.mjs';

// The earner's side. The issuer issues a badge; its email (kept in the outbox, since this
// server has no SMTP) holds a claim link. Opened without an account it shows the badge at
// once, with its full link and LinkedIn; "Create an account" comes back to it; "Add to my
// backpack" congratulates and offers, in one click, to show it on the portfolio, where it
// then shows.
export async function claimBadge(ctx) {
  const { page, base } = ctx;
  const claimUrl = await issueWithClaimLink(ctx, page, 'lin@example.com', 'Lin Wei');
  ctx.claimUrl = claimUrl;

  // Sign out: the earner has no account.
  await clickAndWait(page, 'Sign out');
  await page.goto(claimUrl);
  await expectText(page, 'Harbor Safety Level 1');
  await expectText(page, 'no account needed');
  await expectText(page, 'Awarded to Lin Wei');

  // Create an account from the claim page, come back, add it.
  await clickAndWait(page, 'Create an account');
  await fill(page, 'Your name', 'Lin Wei');
  await fill(page, 'Email', `lin-${Date.now()}@example.com`);
  await fill(page, 'Password', 'correct horse battery staple');
  await clickAndWait(page, 'Create account');
  check(page.url() === claimUrl, `after sign-up expected the claim page, got ${page.url()}`);
  // The full link to share, ready to copy, and LinkedIn's add-to-profile.
  const shared = await page.$eval('#claim-url', (i) => i.value);
  check(/^https?:\/\/[^/]+\/credentials\//.test(shared), `the link to share is absolute: ${shared}`);
  const linkedin = await page.$eval('a.share-linkedin-profile', (a) => a.getAttribute('href'));
  check(linkedin.endsWith('/linkedin-profile'), `an add-to-profile link: ${linkedin}`);
  await clickAndWait(page, 'Add to my backpack');
  check(page.url() === claimUrl, `after claiming expected the badge again, got ${page.url()}`);
  await expectText(page, 'Congratulations! This badge is in your backpack.');
  await expectText(page, 'It is not on your portfolio yet.');

  // One click puts it on the portfolio; a handle publishes the portfolio.
  await clickAndWait(page, 'Show it on my public portfolio');
  check(page.url().includes('/backpack'), `expected the backpack, got ${page.url()}`);
  await expectText(page, 'The badge is on your public portfolio.');
  await expectText(page, 'Harbor Safety Level 1');
  const handle = ctx.handle || `lin${Date.now().toString(36)}`;
  await fill(page, 'Handle', handle);
  await clickAndWait(page, 'Save handle');
  await expectText(page, 'Saved.');
  const chosen = await page.$eval('form[action$="/visibility"] select', (s) => s.value);
  check(chosen === 'public', `the badge is public, not ${chosen}`);
  ctx.portfolioUrl = `${base}/u/${handle}`;
  await page.goto(ctx.portfolioUrl);
  await expectText(page, 'Harbor Safety Level 1');
  await expectText(page, 'Lin Wei');
  const shown = await page.$eval('main', (m) => m.textContent);
  check(!shown.includes('@example.com'), 'the portfolio shows no email address');
}

// The issuer (signed in on `page`) issues the journeys' badge to `email` and reads its claim
// link in the email, as the organization's admin sees it in the outbox.
export async function issueWithClaimLink(ctx, page, email, name) {
  await page.goto(`${ctx.workspace}/achievements`);
  await clickAndWait(page, 'Issue');
  await fill(page, 'Recipient email', email);
  await fill(page, 'Recipient name', name);
  await fill(page, 'Final score', '88 / 100');
  await clickAndWait(page, 'Issue badge');
  await expectText(page, `Issued Harbor Safety Level 1 to ${email}`);

  await page.goto(`${ctx.workspace}/outbox`);
  const opened = await page.$$eval('main table a', (as, to) => {
    const row = as.find((a) => a.closest('tr').textContent.includes(to));
    return row ? row.getAttribute('href') : null;
  }, email);
  check(opened, `the outbox lists the email to ${email}`);
  await page.goto(new URL(opened, ctx.base).toString());
  const body = await page.$eval('pre.outbox-body', (el) => el.textContent);
  const match = body.match(/https?:\/\/[^\s"]+\/claim\/[A-Za-z0-9_-]+/);
  check(match, `the email has a claim link:\n${body.slice(0, 800)}`);
  return new URL(new URL(match[0]).pathname, ctx.base).toString();
}
