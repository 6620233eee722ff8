import { fileURLToPath } from 'node:url';
import { clickAndWait, expectText, check, upload } from '../lib.mjs';

// A verifier pastes the JSON of the badge the issuer revoked in an earlier journey into the
// verify page: it says revoked. Then a VC-JWT from the official 1EdTech validator's test
// files, uploaded baked in an SVG, verifies, and the page names its format.
export async function verifyRevokedAndJwt(ctx) {
  const { page } = ctx;
  await page.goto(ctx.credentialUrl);
  const json = await page.evaluate(async (url) => {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  }, `${ctx.credentialUrl}.json`);
  check(json.status === 200, `the credential JSON answered ${json.status}`);
  check(json.body.includes('"proof"'), 'the credential JSON has no proof');

  await page.goto(`${ctx.base}/verify`);
  // Pasted, as a person pastes: the whole text at once.
  await page.$eval('#verify-input', (el, value) => { el.value = value; }, json.body);
  await clickAndWait(page, 'Verify');
  await expectText(page, 'Revoked');
  await expectText(page, 'Open Badges 3.0 (Data Integrity proof)');

  const svg = fileURLToPath(new URL(
    '../../../crates/accolade-credentials/tests/vectors/1edtech-validator/ob30/simple-jwt.svg',
    import.meta.url,
  ));
  await page.goto(`${ctx.base}/verify`);
  await upload(page, 'or upload a badge image (PNG/SVG) or JSON file', svg);
  await clickAndWait(page, 'Verify');
  await expectText(page, 'Valid');
  await expectText(page, 'Open Badges 3.0 (VC-JWT)');
  await expectText(page, 'Baked SVG image');
}
