import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, clickAndWait, expectText, upload } from '../lib.mjs';

// The earner downloads the baked PNG from the public credential page, as a browser saves it
// (an attachment with the badge's name), and drops it on the verify page: the credential
// read from the image is checked like any other. The journey's credential was revoked by the
// journey before, so the verify page must say so.
export async function downloadAndVerify(ctx) {
  const { page } = ctx;
  const path = await downloadBadgePng(page, ctx.credentialUrl, join(artifacts(), 'downloaded-badge.png'));
  await page.goto(`${ctx.base}/verify`);
  await upload(page, 'or upload a badge image (PNG/SVG) or JSON file', path);
  await clickAndWait(page, 'Verify');
  await expectText(page, 'Revoked');
}

// Saves the "Badge image (PNG)" download of a credential page to `path`, fetched with the
// page's own origin and cookies as the browser would save it; checks it is offered as a
// PNG file.
export async function downloadBadgePng(page, credentialUrl, path) {
  await page.goto(credentialUrl);
  const href = await page.evaluate(() => {
    const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
    const link = [...document.querySelectorAll('a[download]')].find(
      (a) => norm(a.querySelector('.download-label')?.textContent) === 'Badge image (PNG)',
    );
    return link ? link.getAttribute('href') : null;
  });
  check(href, `no "Badge image (PNG)" download on ${page.url()}`);
  const file = await page.evaluate(async (url) => {
    const res = await fetch(url);
    const bytes = new Uint8Array(await res.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      base64: btoa(binary),
    };
  }, href);
  check(file.status === 200, `the PNG download answered ${file.status}`);
  check(file.type === 'image/png', `the PNG download is ${file.type}`);
  check(/^attachment; filename=".+\.png"$/.test(file.disposition || ''),
    `the PNG is not offered as a file: ${file.disposition}`);
  const bytes = Buffer.from(file.base64, 'base64');
  check(bytes.subarray(1, 4).toString() === 'PNG', 'the download is not a PNG');
  writeFileSync(path, bytes);
  return path;
}
