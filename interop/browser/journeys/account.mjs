import { fill, clickAndWait, expectText, check } from '../lib.mjs';

// A new person signs up, lands on the dashboard and creates their organization.
export async function signUpAndCreateOrg(ctx) {
  const { page, base } = ctx;
  await page.goto(`${base}/signup`);
  await fill(page, 'Your name', 'Grace Hopper');
  ctx.email = ctx.email || `grace-${Date.now()}@example.com`;
  ctx.password = 'correct horse battery staple';
  await fill(page, 'Email', ctx.email);
  await fill(page, 'Password', ctx.password);
  await clickAndWait(page, 'Create account');
  check(page.url().endsWith('/dashboard'), `after sign-up expected the dashboard, got ${page.url()}`);
  await expectText(page, 'Grace Hopper');

  await fill(page, 'Organization name', 'Harbor Training Institute');
  await fill(page, 'Website', 'https://harbor.example');
  await clickAndWait(page, 'Create organization');
  check(page.url().includes('/dashboard/orgs/'), `expected the workspace, got ${page.url()}`);
  ctx.workspace = page.url().replace(/\/$/, '');
  await expectText(page, 'Harbor Training Institute');
  await expectText(page, 'Your role: owner');
}
