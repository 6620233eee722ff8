import { fill, select, clickAndWait, expectText, check } from '../lib.mjs';

// The issuer describes what the badge certifies, on the design they just saved, with a
// required custom field; then issues one badge from the form and opens it.
export async function createAchievement(ctx) {
  const { page } = ctx;
  check(ctx.newAchievementUrl, 'the designer journey gives the new-achievement link');
  await page.goto(ctx.newAchievementUrl);
  const imageId = new URL(ctx.newAchievementUrl).searchParams.get('image');
  const preselected = await page.$eval(`input[name="image"][value="${imageId}"]`, (r) => r.checked);
  check(preselected, 'the saved design is preselected as the badge image');

  await fill(page, 'Name', 'Harbor Safety Level 1');
  await fill(page, 'Description', 'Safe conduct on the harbor floor: signals, loads and lines.');
  await fill(page, 'Criteria', 'Pass the **practical assessment** and the written test.');
  await fill(page, 'Tags', 'safety, harbor');
  await page.type('#cf-0-label', 'Final score');
  await page.click('input[name="cf-0-required"]');
  await clickAndWait(page, 'Create achievement');
  check(page.url().includes('/edit'), `after creating expected the edit page, got ${page.url()}`);
  ctx.achievementEdit = page.url();
}

export async function issueOne(ctx) {
  const { page } = ctx;
  await page.goto(`${ctx.workspace}/achievements`);
  await expectText(page, 'Harbor Safety Level 1');
  await clickAndWait(page, 'Issue');
  await fill(page, 'Recipient email', 'ada@example.com');
  await fill(page, 'Recipient name', 'Ada Lovelace');

  // The required custom field is enforced by the platform, not only by the browser.
  await page.$$eval('form', (fs) => fs.forEach((f) => { f.noValidate = true; }));
  await clickAndWait(page, 'Issue badge');
  // The refusal is shown at the field, which describes it and has the focus.
  await expectText(page, 'Enter “Final score”: this badge requires it.');
  const at = await page.$eval('[aria-invalid="true"]', (el) =>
    [el.name, el.getAttribute('aria-describedby'), document.activeElement === el]);
  // Described by its message first, then by its hint.
  check(at[0] === 'field-final-score'
    && at[1].split(' ')[0] === 'f-field-final-score-error' && at[2],
    `the refusal is shown at its input: ${at}`);

  await fill(page, 'Recipient email', 'ada@example.com');
  await fill(page, 'Recipient name', 'Ada Lovelace');
  await fill(page, 'Final score', '94 / 100');
  await clickAndWait(page, 'Issue badge');
  await expectText(page, 'Issued Harbor Safety Level 1 to ada@example.com');
  const link = await page.$$eval('main a', (as) =>
    as.map((a) => a.getAttribute('href')).find((h) => h && h.startsWith('/credentials/')));
  check(link, 'the notice links to the issued credential');
  ctx.credentialUrl = new URL(link, ctx.base).toString();
  await page.goto(ctx.credentialUrl);
  await expectText(page, 'Harbor Safety Level 1');
  await expectText(page, 'Ada Lovelace');
  await expectText(page, '94 / 100');
  const strong = await page.$$eval('main strong', (s) => s.map((e) => e.textContent));
  check(strong.includes('practical assessment'), 'the criteria Markdown is rendered');
}
