import { fill, clickAndWait, expectText, check } from '../lib.mjs';

// The issuer finds an award by its recipient, revokes it with a reason, and the public
// credential page then tells every visitor it is revoked; the audit log records it.
export async function revoke(ctx) {
  const { page } = ctx;
  await page.goto(`${ctx.workspace}/awards`);
  await fill(page, 'Recipient', 'ada@');
  await clickAndWait(page, 'Filter');
  await expectText(page, 'Ada Lovelace');
  await clickAndWait(page, 'Ada Lovelace');
  check(page.url().includes('/awards/'), `expected the award page, got ${page.url()}`);

  await fill(page, 'Reason', 'Issued to the wrong cohort');
  await clickAndWait(page, 'Revoke');
  await expectText(page, 'revoked');

  await page.goto(ctx.credentialUrl);
  await expectText(page, 'Revoked');
  await expectText(page, 'Issued to the wrong cohort');

  await page.goto(`${ctx.workspace}/audit`);
  await expectText(page, 'award.revoke');
  await expectText(page, 'Grace Hopper');
}
