// Helpers for the browser journeys: a headless Chromium driven through puppeteer-core,
// forms filled by their visible labels (as a person would find them), and every page
// checked for script errors, CSP violations, failed subresources and, at a desktop and a
// phone width, for layout and accessibility problems (checks.mjs).
import puppeteer from 'puppeteer-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPage } from './checks.mjs';

export function chromiumPath() {
  return process.env.ACCOLADE_CHROMIUM || '/usr/bin/chromium';
}

export async function launch() {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
  });
}

// Kinds of page already checked (checks.mjs), across every page of the run.
const checked = new Set();

// A page that fails the journey on any uncaught script error or console error (CSP
// violations are reported as console errors), failed request or 4xx/5xx subresource; each
// page it goes to, and each page a click in `clickAndWait` leads to, is checked at both
// widths once (`checked`).
export async function watchedPage(browser, problems) {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.accoladeProblems = problems;
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await checkHere(page);
    return response;
  };
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // A page answered with 4xx on purpose (a form shown again with its error) is logged as
    // "Failed to load resource"; broken subresources are caught below instead.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console error on ${page.url()}: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (type !== 'document' && r.status() >= 400) {
      problems.push(`${type} ${r.url()} answered ${r.status()} on ${page.url()}`);
    }
  });
  page.on('requestfailed', (r) => {
    // Aborted requests are the page's own doing: a navigation away, a superseded preview.
    const why = r.failure()?.errorText || 'failed';
    if (why !== 'net::ERR_ABORTED') {
      problems.push(`${r.resourceType()} ${r.url()} failed (${why}) on ${page.url()}`);
    }
  });
  return page;
}

// Runs the page checks on what the page shows now (HTML documents only), adding what they
// find to the page's problems.
export async function checkHere(page) {
  const html = await page.evaluate(() => document.contentType === 'text/html').catch(() => false);
  if (!html || !page.accoladeProblems) return;
  page.accoladeProblems.push(...await checkPage(page, { seen: checked }));
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

// The id of the form control whose <label> reads `text` (exact, ignoring "(optional)").
async function controlId(page, text) {
  const id = await page.evaluate((wanted) => {
    const norm = (s) => s.replace(/\(optional\)/g, '').replace(/\s+/g, ' ').trim();
    for (const l of document.querySelectorAll('label')) {
      if (norm(l.textContent) === wanted) {
        if (l.htmlFor) return l.htmlFor;
        const inner = l.querySelector('input,select,textarea');
        if (inner) {
          if (!inner.id) inner.id = `auto-${Math.random().toString(36).slice(2)}`;
          return inner.id;
        }
      }
    }
    return null;
  }, text);
  check(id, `no form field labelled "${text}" on ${page.url()}`);
  return `[id="${id.replace(/"/g, '\\"')}"]`;
}

export async function fill(page, label, value) {
  const sel = await controlId(page, label);
  await page.$eval(sel, (el) => { el.value = ''; });
  await page.type(sel, String(value));
}

export async function select(page, label, value) {
  const sel = await controlId(page, label);
  const ok = await page.$eval(sel, (el, wanted) => {
    const opt = [...el.options].find((o) => o.value === wanted || o.textContent.trim() === wanted);
    if (!opt) return false;
    el.value = opt.value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }, String(value));
  check(ok, `no option "${value}" in the field labelled "${label}"`);
}

export async function upload(page, label, path) {
  const sel = await controlId(page, label);
  const input = await page.$(sel);
  await input.uploadFile(path);
}

// Clicks the button (or link) whose text is `text` and waits for the navigation it causes.
export async function clickAndWait(page, text, { tag = 'button,a,input[type=submit]' } = {}) {
  const handle = await page.evaluateHandle((wanted, tags) => {
    const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
    return [...document.querySelectorAll(tags)].find(
      (b) => norm(b.textContent) === wanted || norm(b.value) === wanted,
    ) || null;
  }, text, tag);
  const el = handle.asElement();
  check(el, `no button or link "${text}" on ${page.url()}`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), el.click()]);
  await checkHere(page);
}

export async function text(page, selector = 'main') {
  return page.$eval(selector, (el) => el.textContent.replace(/\s+/g, ' '));
}

export async function expectText(page, needle, selector = 'main') {
  const t = await text(page, selector);
  check(t.includes(needle), `expected "${needle}" on ${page.url()}, page says:\n${t.slice(0, 2000)}`);
}

export function artifacts() {
  const dir = process.env.ACCOLADE_BROWSER_ARTIFACTS || join(process.cwd(), 'browser-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function saveFailure(page, name) {
  try {
    const dir = artifacts();
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    writeFileSync(join(dir, `${name}.html`), await page.content());
    return dir;
  } catch {
    return null;
  }
}
