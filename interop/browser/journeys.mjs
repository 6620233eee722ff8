// The main journeys in a real headless Chromium against a running Accolade. The issuer:
// sign up and create an organization, design a badge, create an achievement with it,
// issue one badge, open the badge's public page, bulk issue a CSV with one bad row, revoke. The earner and verifier:
// download and verify a baked badge, claim without and then into an account, import a
// downloaded badge back, share to LinkedIn, embed a badge that then turns revoked, verify.
// Last, every main page at phone width. Every page visited is checked at 1280 and 390 px
// (checks.mjs): no sideways scrolling, labelled controls, no serious axe-core violation, no
// console error or broken subresource.
//
//   node browser/journeys.mjs http://127.0.0.1:PORT
//
// Exits non-zero on the first failed step, leaving a screenshot and the page's HTML in
// $ACCOLADE_BROWSER_ARTIFACTS (default ./browser-artifacts).
import { launch, watchedPage, saveFailure } from './lib.mjs';
import { signUpAndCreateOrg } from './journeys/account.mjs';
import { designBadge } from './journeys/designer.mjs';
import { createAchievement, issueOne } from './journeys/achievement.mjs';
import { revoke } from './journeys/revoke.mjs';
import { achievementPage } from './journeys/onboarding.mjs';
import { bulkIssue } from './journeys/bulk.mjs';
import { downloadAndVerify } from './journeys/download.mjs';
import { claimBadge } from './journeys/claim.mjs';
import { shareAndEmbed } from './journeys/share.mjs';
import { reimportBaked, embedTurnsRevoked } from './journeys/earner.mjs';
import { verifyRevokedAndJwt } from './journeys/verify.mjs';
import { mobileTour } from './journeys/tour.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node browser/journeys.mjs BASE_URL');
  process.exit(2);
}

const journeys = [
  ['sign up and create an organization', signUpAndCreateOrg],
  ['design a badge with a live preview', designBadge],
  ['create an achievement on that design', createAchievement],
  ['issue one badge from the form', issueOne],
  ["the badge's page for people, at desktop and phone widths", achievementPage],
  ['bulk issue a CSV with one bad row', bulkIssue],
  ['revoke an award', revoke],
  ['download the baked PNG and verify it', downloadAndVerify],
  ['claim a badge without an account, then into a backpack and portfolio', claimBadge],
  ['download the claimed badge baked and import it back into the backpack', reimportBaked],
  ['share to LinkedIn and embed the revoked badge on another site', shareAndEmbed],
  ['an embedded badge turns to revoked when the issuer revokes it', embedTurnsRevoked],
  ['verify the revoked badge pasted as JSON, and a VC-JWT', verifyRevokedAndJwt],
  ['every main page at 390 px, with the menu and the embed', mobileTour],
];

const browser = await launch();
const problems = [];
const page = await watchedPage(browser, problems);
const ctx = { base, browser, page, problems };
let failed = false;
for (const [name, run] of journeys) {
  const started = Date.now();
  try {
    await run(ctx);
    if (problems.length) throw new Error(problems.join('\n'));
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    const where = await saveFailure(page, name.replace(/\W+/g, '-'));
    console.log(`FAIL ${name}: ${e.message}${where ? `\n     (screenshot and HTML in ${where})` : ''}`);
    failed = true;
    break;
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
