import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { select, upload, clickAndWait, expectText, text, check } from '../lib.mjs';

// Bulk issue: a CSV with one bad row is uploaded, its columns mapped, the dry run shows the
// bad row before anything is issued, and the rest are issued behind a live progress bar.
export async function bulkIssue(ctx) {
  const { page } = ctx;
  const csv = join(tmpdir(), `accolade-journey-${process.pid}.csv`);
  writeFileSync(csv, [
    'Email,Name,Final score',
    'alan@example.com,Alan Turing,88 / 100',
    'not-an-email,Nobody,10 / 100',
    'katherine@example.com,Katherine Johnson,97 / 100',
    '',
  ].join('\n'));

  await page.goto(`${ctx.workspace}/imports`);
  await select(page, 'Badge to issue', 'Harbor Safety Level 1');
  await upload(page, 'CSV file', csv);
  await clickAndWait(page, 'Upload and map columns');
  await clickAndWait(page, 'Check every row (dry run)');

  await expectText(page, 'Dry run of');
  const report = await text(page);
  check(/\b2\s*to issue\b/.test(report), `the dry run should find 2 rows to issue:\n${report}`);
  check(/\b1\s*with errors\b/.test(report), `the dry run should find 1 row with errors:\n${report}`);
  await expectText(page, 'not-an-email');
  const awardsBefore = await countAwards(ctx);
  check(awardsBefore === 1, `a dry run issues nothing (awards: ${awardsBefore})`);

  await clickAndWait(page, 'Issue 2 badges');
  // The progress page polls and reloads itself when the import is done.
  const deadline = Date.now() + 60000;
  let done = false;
  while (!done && Date.now() < deadline) {
    // The page reloads itself meanwhile: a read may land mid-navigation.
    done = await text(page).then((t) => t.includes('All done') && /\b2\s*issued\b/.test(t), () => false);
    if (!done) await new Promise((r) => setTimeout(r, 250));
  }
  check(done, `the import should finish with 2 issued:\n${await text(page).catch(() => '')}`);
  const awardsAfter = await countAwards(ctx);
  check(awardsAfter === 3, `2 more awards after the import (awards: ${awardsAfter})`);
}

async function countAwards(ctx) {
  const { page } = ctx;
  const here = page.url();
  await page.goto(`${ctx.workspace}/awards`);
  const n = await page.$$eval('main tbody tr', (rows) => rows.length);
  await page.goto(here);
  return n;
}
