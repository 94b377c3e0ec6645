import { expect, type Browser, type Page } from '@playwright/test';
import { ADMIN, cardReady, open, signIn } from './helpers';

export type Slug = 'facebook' | 'x' | 'instagram' | 'google';
export const LABELS: Record<Slug, string> = { facebook: 'Facebook', x: 'X', instagram: 'Instagram', google: 'Google' };

/** The sandbox runs on another site (127.0.0.1) than the app (localhost), as real providers do. */
export const SANDBOX = process.env.SANDBOX_URL ?? 'http://127.0.0.1:3801';

export function sandboxSettings(p: Slug): Record<string, string> {
  const b = SANDBOX;
  switch (p) {
    case 'facebook':
      return {
        'Authorize URL': `${b}/facebook/www/{version}/dialog/oauth`,
        'Token URL': `${b}/facebook/graph/{version}/oauth/access_token`,
        'Profile URL': `${b}/facebook/graph/{version}/me`,
        'Revoke URL': `${b}/facebook/graph/{version}/me/permissions`,
      };
    case 'x':
      return {
        'Authorize URL': `${b}/x/i/oauth2/authorize`,
        'Token URL': `${b}/x/api/2/oauth2/token`,
        'Profile URL': `${b}/x/api/2/users/me`,
        'Revoke URL': `${b}/x/api/2/oauth2/revoke`,
      };
    case 'instagram':
      return {
        'Authorize URL': `${b}/instagram/www/oauth/authorize`,
        'Token URL': `${b}/instagram/api/oauth/access_token`,
        'Profile URL': `${b}/instagram/graph/{version}/me`,
        'Revoke URL': '',
      };
    case 'google':
      return { 'OpenID Connect issuer': `${b}/google` };
  }
}

/** The admin's card for a provider on Admin › Social apps. */
export function adminCard(page: Page, p: Slug) {
  return page.getByTestId(`provider-${p}`);
}

/** Signs in as the admin in a context of its own and saves the provider's sandbox app. */
export async function configureProvider(browser: Browser, p: Slug, opts: { enabled?: boolean; secret?: boolean } = {}): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await open(page, '/signin?next=/admin/social-apps');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/social-apps$/);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await cardReady(page, `provider-${p}`);
  const card = adminCard(page, p);
  const enabled = card.getByLabel(`Offer ${LABELS[p]} to users`);
  if (opts.enabled ?? true) await enabled.check(); else await enabled.uncheck();
  await card.getByLabel('Client id').fill(`sandbox-${p}-app`);
  if (opts.secret ?? true) await card.getByLabel('Client secret').fill(`sandbox-${p}-secret`);
  await card.getByText('Advanced: endpoints').click();
  for (const [label, value] of Object.entries(sandboxSettings(p))) {
    await card.getByLabel(label, { exact: true }).fill(value);
  }
  await card.getByRole('button', { name: `Save ${LABELS[p]}` }).click();
  await expect(card.getByText(`${LABELS[p]} settings saved.`)).toBeVisible();
  await context.close();
}

/** The user's card for a provider on Settings › Applications. */
export function appCard(page: Page, p: Slug) {
  return page.getByTestId(`app-${p}`);
}

/** Clicks Connect, picks `person` at the sandbox and answers `decision`. */
export async function connectAs(page: Page, p: Slug, person: string, decision: 'Allow' | 'Cancel' = 'Allow'): Promise<void> {
  await cardReady(page, `app-${p}`);
  await appCard(page, p).getByRole('button', { name: `Connect ${LABELS[p]}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${SANDBOX.replace(/[.]/g, '\\.')}/`));
  await page.getByLabel(new RegExp(person)).check();
  await page.getByRole('button', { name: decision, exact: true }).click();
  await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}
