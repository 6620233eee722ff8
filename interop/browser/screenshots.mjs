// Screenshots of the main pages for the documentation, at a desktop and a phone width,
// against a running `accolade serve --demo` (scripts/screenshots.sh starts one):
//
//   node browser/screenshots.mjs BASE_URL OUT_DIR DEMO_OUTPUT_FILE [--full]
//
// The demo's own pages (its issuer page, an active credential) are read from what
// `serve --demo` printed; the workspace, backpack and portfolio are filled by the first
// browser journeys (sign up, design, create, issue, bulk issue, claim), as a person would.
// Each page is saved as OUT_DIR/{name}-desktop.png (1280×800) and {name}-phone.png
// (390×844): what the screen shows first, or the whole page with --full.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './lib.mjs';
import { signUpAndCreateOrg } from './journeys/account.mjs';
import { designBadge } from './journeys/designer.mjs';
import { createAchievement, issueOne } from './journeys/achievement.mjs';
import { bulkIssue } from './journeys/bulk.mjs';
import { claimBadge, issueWithClaimLink } from './journeys/claim.mjs';
import { mainPages, sessions, PHONE } from './journeys/tour.mjs';

const [base, out, demoOutput, flag] = process.argv.slice(2);
if (!base || !out || !demoOutput) {
  console.error('usage: node browser/screenshots.mjs BASE_URL OUT_DIR DEMO_OUTPUT_FILE [--full]');
  process.exit(2);
}
const fullPage = flag === '--full';
const DESKTOP = { width: 1280, height: 800 };

// "Demo organization: URL" and one "  Name   URL" line per award; the first is active.
const printed = readFileSync(demoOutput, 'utf8');
const issuerUrl = printed.match(/Demo organization: (\S+)/)?.[1];
const credentialUrl = printed.match(/^\s+.+?\s(\S+\/credentials\/\S+)$/m)?.[1];
if (!issuerUrl || !credentialUrl) {
  console.error(`no demo organization or credential in ${demoOutput}`);
  process.exit(1);
}

const browser = await launch();
try {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  // Plain names for the pictures (the journeys make unique ones).
  const ctx = { base, browser, page, problems: [], email: 'grace@harbor.example', handle: 'linwei' };
  for (const step of [signUpAndCreateOrg, designBadge, createAchievement, issueOne, bulkIssue, claimBadge]) {
    await step(ctx);
  }
  // The demo's pages read better than the journeys' single badge.
  Object.assign(ctx, { issuerUrl, credentialUrl });
  const { people, close } = await sessions(ctx, { watch: false });
  // A claim link not yet used, as its earner first opens it.
  ctx.claimUrl = await issueWithClaimLink(ctx, people.issuer, 'mei@example.com', 'Mei Tanaka');
  for (const { name, who, url } of mainPages(ctx)) {
    const p = people[who];
    const target = typeof url === 'function' ? await url(p) : url;
    for (const [suffix, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await p.setViewport(viewport);
      await p.goto(target, { waitUntil: 'networkidle0' });
      const path = join(out, `${name}-${suffix}.png`);
      await p.screenshot({ path, fullPage });
      console.log(path);
    }
  }
  // The phone menus, open: the header's and the workspace's.
  const issuer = people.issuer;
  await issuer.setViewport(PHONE);
  for (const [name, menu] of [['menu', '.site-menu'], ['workspace-menu', '.workspace-menu']]) {
    await issuer.goto(ctx.workspace, { waitUntil: 'networkidle0' });
    await issuer.click(`${menu} > summary`);
    const path = join(out, `${name}-phone.png`);
    await issuer.screenshot({ path });
    console.log(path);
  }
  await close();
} finally {
  await browser.close();
}
