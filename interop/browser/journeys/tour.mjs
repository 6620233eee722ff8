import { check, clickAndWait, fill, watchedPage } from '../lib.mjs';

export const PHONE = { width: 390, height: 844 };

// The main pages of the product after the earlier journeys, each with whose eyes it is seen:
// a visitor (signed out), the issuer or the earner. `url` is a URL or a function that finds
// it on the page of the same person.
export function mainPages(ctx) {
  const ws = ctx.workspace;
  const slug = new URL(ws).pathname.split('/').pop();
  const firstLink = (path, pattern) => async (page) => {
    await page.goto(`${ws}${path}`);
    const href = await page.$$eval('main a', (as, re) => as
      .map((a) => a.getAttribute('href'))
      .find((h) => h && new RegExp(re).test(h)), pattern);
    check(href, `no link matching ${pattern} on ${page.url()}`);
    return new URL(href, ctx.base).toString();
  };
  return [
    ['home', 'visitor', `${ctx.base}/`],
    ['verify', 'visitor', `${ctx.base}/verify`],
    ['sign-in', 'visitor', `${ctx.base}/signin`],
    ['credential', 'visitor', ctx.credentialUrl],
    ['issuer', 'visitor', ctx.issuerUrl || `${ctx.base}/issuers/${slug}`],
    // The badge catalogue searched: the search form, a count and the empty state.
    ['issuer-search', 'visitor', `${ctx.issuerUrl || `${ctx.base}/issuers/${slug}`}?q=no+such+badge`],
    ['claim', 'visitor', ctx.claimUrl],
    ['dashboard', 'issuer', `${ctx.base}/dashboard`],
    ['overview', 'issuer', ws],
    ['achievements', 'issuer', `${ws}/achievements`],
    ['achievement-form', 'issuer', `${ws}/achievements/new`],
    ['issue-form', 'issuer', firstLink('/achievements', '/achievements/[^/]+/issue$')],
    ['awards', 'issuer', `${ws}/awards`],
    ['award', 'issuer', firstLink('/awards', '/awards/[0-9a-f-]{36}$')],
    ['designer', 'issuer', `${ws}/designer`],
    ['bulk-issue', 'issuer', `${ws}/imports`],
    ['settings', 'issuer', `${ws}/settings`],
    ['members', 'issuer', `${ws}/members`],
    ['api-keys', 'issuer', `${ws}/settings/api-keys`],
    ['insights', 'issuer', `${ws}/insights`],
    ['backpack', 'earner', `${ctx.base}/backpack`],
    ['portfolio', 'visitor', ctx.portfolioUrl],
  ].map(([name, who, url]) => ({ name, who, url }));
}

async function signIn(page, base, email, password) {
  await page.goto(`${base}/signin`);
  await fill(page, 'Email', email);
  await fill(page, 'Password', password);
  await clickAndWait(page, 'Sign in', { tag: 'main button' });
}

// A page for each person: the earner is the journeys' own page (signed in by the claim
// journey), the issuer and the visitor get a browser session of their own. `watch` decides
// whether their pages are checked (the journeys) or not (screenshots).
export async function sessions(ctx, { watch = true } = {}) {
  const contexts = [];
  const open = async () => {
    const c = await ctx.browser.createBrowserContext();
    contexts.push(c);
    return watch ? watchedPage(c, ctx.problems) : c.newPage();
  };
  const issuer = await open();
  await signIn(issuer, ctx.base, ctx.email, ctx.password);
  const people = { visitor: await open(), issuer, earner: ctx.page };
  return { people, close: () => Promise.all(contexts.map((c) => c.close())) };
}

// The main pages at phone width, each checked at both widths by the watched pages (no
// sideways scrolling, labels, axe, console, subresources). On the phone the site menu is a
// button that opens the navigation, without any script; on the desktop the links show.
export async function mobileTour(ctx) {
  const { people, close } = await sessions(ctx);
  try {
    for (const p of Object.values(people)) await p.setViewport(PHONE);
    for (const { name, who, url } of mainPages(ctx)) {
      check(url, `the journeys left no URL for the ${name} page`);
      const page = people[who];
      const target = typeof url === 'function' ? await url(page) : url;
      const res = await page.goto(target);
      check(res && res.ok(), `the ${name} page ${target} answered ${res && res.status()}`);
      const h1 = await page.$eval('h1', (h) => h.textContent.trim()).catch(() => '');
      check(h1, `the ${name} page ${target} has no heading`);
      if (process.env.TOUR_DEBUG) console.log(name, who, page.url(), h1);
    }
    await menuOpensOnPhone(people.earner, ctx.base);
    await embedFitsItsFrame(people.visitor, ctx);
  } finally {
    for (const p of Object.values(people)) await p.setViewport({ width: 800, height: 600 });
    await close();
  }
}

// The header menu: on the phone, "Backpack" is hidden until the menu button is pressed (by
// keyboard), then reachable; on the desktop it is shown at once and the button is not.
async function menuOpensOnPhone(page, base) {
  await page.setViewport(PHONE);
  await page.goto(`${base}/backpack`);
  const shown = () => page.$eval('.site-nav a[href="/backpack"]', (a) => a.checkVisibility());
  check(!(await shown()), 'on a phone the header links are hidden until the menu is opened');
  const toggle = await page.$('.site-menu > summary');
  check(toggle, 'the phone header has a menu button');
  const label = await toggle.evaluate((s) => s.textContent.trim());
  check(label === 'Menu', `the menu button says "${label}"`);
  await toggle.focus();
  await page.keyboard.press('Enter');
  check(await shown(), 'the menu button opens the header links');
  const fits = await page.$eval('.site-nav', (n) => n.getBoundingClientRect().right <= document.documentElement.clientWidth);
  check(fits, 'the open menu fits the screen');
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(`${base}/backpack`);
  check(await shown(), 'on a desktop the header links show without opening a menu');
  const toggleShown = await page.$eval('.site-menu > summary', (s) => s.checkVisibility());
  check(!toggleShown, 'on a desktop the menu button is hidden');
}

// The embed snippet's frame is 360×200: the card must fit it whole.
async function embedFitsItsFrame(page, ctx) {
  const id = new URL(ctx.credentialUrl).pathname.split('/').pop();
  await page.setViewport({ width: 360, height: 200 });
  await page.goto(`${ctx.base}/embed/${id}`);
  const size = await page.evaluate(() => {
    const r = document.querySelector('.embed-card').getBoundingClientRect();
    const d = document.documentElement;
    return { right: r.right, bottom: r.bottom, scrollW: d.scrollWidth, scrollH: d.scrollHeight };
  });
  check(size.right <= 360 && size.bottom <= 200 && size.scrollW <= 360 && size.scrollH <= 200,
    `the embed card does not fit its 360×200 frame: ${JSON.stringify(size)}`);
}
