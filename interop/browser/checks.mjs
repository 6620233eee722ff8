// Checks run on every page the journeys visit, at a desktop and a phone width: no sideways
// scrolling, every form control labelled, no serious or critical axe-core violation, no
// broken image. Script errors, CSP violations and failed subresources are caught by the
// listeners of `watchedPage` (lib.mjs) as they happen.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const WIDTHS = [1280, 390];
const HEIGHT = 800;

let axeSource = null;
function axe() {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  return axeSource;
}

// One check per kind of page: ids in the path and query do not make a new page; a form shown
// again with its error, another visitor's view or a list that has filled up does.
async function pageKey(page) {
  const url = new URL(page.url());
  const path = url.pathname
    .split('/')
    .map((s) => (/\d/.test(s) && s.length >= 8 ? ':id' : s))
    .join('/');
  const state = await page.evaluate(() => [
    document.querySelector('[role="alert"]') ? 'alert' : '',
    document.querySelector('form[action="/signout"]') ? 'signed in' : '',
    document.querySelector('main tbody tr') ? 'rows' : '',
    document.querySelector('main img') ? 'images' : '',
  ].filter(Boolean).join(', '));
  return `${url.origin}${path} (${state})`;
}

// What is wrong with the page as laid out now, as sentences.
async function layoutProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const doc = document.documentElement;
    const width = doc.clientWidth;
    if (doc.scrollWidth > width) {
      // Name the outermost elements that stick out, so the message says where to look.
      const clipped = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 1) {
            return true;
          }
        }
        return false;
      };
      const wide = [...document.body.querySelectorAll('*')].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && el.checkVisibility() && !clipped(el);
      });
      const outermost = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5);
      const describe = (el) => {
        const cls = typeof el.className === 'string' && el.className.trim()
          ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}> ` +
          `(right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
      };
      found.push(`scrolls sideways: ${doc.scrollWidth} px wide in a ${width} px window; ` +
        `sticking out: ${outermost.map(describe).join(', ') || 'nothing visible'}`);
    }
    const controls = document.querySelectorAll(
      'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),'
      + 'select,textarea',
    );
    for (const el of controls) {
      const byLabel = [...(el.labels || [])].some((l) => l.textContent.trim()
        || [...l.querySelectorAll('img[alt]')].some((i) => i.alt.trim()));
      const byAria = (el.getAttribute('aria-label') || '').trim()
        || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(
          (id) => id && document.getElementById(id)?.textContent.trim(),
        );
      if (!byLabel && !byAria && !(el.title || '').trim()) {
        found.push(`form control without a label: <${el.tagName.toLowerCase()} name="${el.name}"` +
          `${el.id ? ` id="${el.id}"` : ''}>`);
      }
    }
    for (const img of document.images) {
      if (img.complete && img.naturalWidth === 0 && img.getAttribute('src')) {
        found.push(`broken image: ${img.currentSrc || img.src}`);
      }
    }
    return found;
  });
}

async function axeProblems(page) {
  const injected = await page.evaluate(() => typeof window.axe === 'object');
  if (!injected) await page.evaluate(axe());
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ').trim()}`),
      }));
  });
  return violations.map((v) => `axe ${v.impact} ${v.id} (${v.help}):\n      ${v.nodes.join('\n      ')}`);
}

// Checks the page at each width, puts the viewport back, and returns the problems found
// (each naming the page and width). A page that navigates during the check (one that
// reloads itself) is checked again once it has loaded.
export async function checkPage(page, { seen = new Set() } = {}) {
  const key = await pageKey(page);
  if (seen.has(key)) return [];
  seen.add(key);
  const viewport = page.viewport();
  const problems = [];
  try {
    for (const width of WIDTHS) {
      await page.setViewport({ width, height: HEIGHT });
      const found = [];
      for (let attempt = 0; ; attempt += 1) {
        try {
          found.push(...await layoutProblems(page), ...await axeProblems(page));
          break;
        } catch (e) {
          if (attempt >= 2 || !/context was destroyed|detached|navigat/i.test(e.message)) throw e;
          found.length = 0;
          await page.waitForNavigation({ waitUntil: 'load', timeout: 5000 }).catch(() => {});
        }
      }
      problems.push(...found.map((p) => `${page.url()} at ${width} px: ${p}`));
    }
  } finally {
    if (viewport) await page.setViewport(viewport);
  }
  return problems;
}
