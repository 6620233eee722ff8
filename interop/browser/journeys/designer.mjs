import { fill, select, clickAndWait, expectText, check } from '../lib.mjs';

// The issuer designs a badge: the live preview follows the form as they type, and saving
// stores an SVG (with a PNG rendition) they can build an achievement on.
export async function designBadge(ctx) {
  const { page } = ctx;
  await page.goto(`${ctx.workspace}/designer`);
  await fill(page, 'Title', 'Harbor Safety');
  await fill(page, 'Subtitle', 'Level 1');
  await page.click('input[name="shape"][value="shield"]');
  await select(page, 'Icon', 'trophy');

  // The live preview: the script posts the form and shows the server's SVG from a blob: URL.
  await page.waitForFunction(() => {
    const img = document.getElementById('designer-preview');
    return img && !img.hidden && img.src.startsWith('blob:') && img.naturalWidth > 0
      && img.alt.includes('Harbor Safety: Level 1');
  }, { timeout: 15000 });
  const before = await page.$eval('#designer-preview', (i) => i.src);
  await fill(page, 'Subtitle', 'Level 2');
  await page.waitForFunction(
    (old) => document.getElementById('designer-preview').src !== old,
    { timeout: 15000 },
    before,
  );

  await clickAndWait(page, 'Save design');
  await expectText(page, 'This design is saved');
  const link = await page.$$eval('a', (as) =>
    as.map((a) => a.getAttribute('href')).find((h) => h && h.includes('/achievements/new?image=')));
  check(link, 'the saved design should offer to create an achievement with it');
  ctx.newAchievementUrl = new URL(link, ctx.base).toString();
  const png = await page.$$eval('a', (as) =>
    as.map((a) => a.getAttribute('href')).find((h) => h && h.endsWith('.png')));
  const res = await page.evaluate(async (u) => {
    const r = await fetch(u);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), magic: [...b.slice(1, 4)] };
  }, png);
  check(res.status === 200 && res.type.startsWith('image/png'), `PNG rendition: ${JSON.stringify(res)}`);
  check(String.fromCharCode(...res.magic) === 'PNG', 'the PNG rendition is a PNG');
}
