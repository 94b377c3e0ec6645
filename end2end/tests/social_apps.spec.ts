// Admin › Social apps as an admin uses it: who uses each provider, the confirmation before one
// they use is turned off, errors in the closed Advanced section, messages that go by themselves.
import { cardReady, createAdmin, disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { onPath, open, signIn, signUp, uniqueEmail } from './helpers';
import { configureProvider, connectAs } from './providers';
import type { Page } from '@playwright/test';

/** Signs a new admin of this test's own in on `page`, on Admin › Social apps. */
async function asAdmin(page: Page): Promise<void> {
  const admin = createAdmin('Ada Admin');
  await open(page, '/signin?next=/admin/social-apps');
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

test('turning off a provider people use asks first, and the saved message goes by itself', async ({ browser, page, undo }) => {
  await configureProvider(browser, 'x');
  await signUp(page, 'Una User', uniqueEmail('una'));
  await open(page, '/settings/applications');
  undo(() => disconnectIfConnected(page, 'X'));
  await connectAs(page, 'x', 'Grace Hopper');

  const context = await browser.newContext();
  const admin = await context.newPage();
  undo(() => context.close());
  await asAdmin(admin);
  const card = providerCard(admin, 'X');
  await cardReady(card);
  await expect(card.getByTestId('connected-users')).toHaveText(/^Connected by \d+ users?$/);

  undo(() => configureProvider(browser, 'x'));
  await card.getByLabel('Offer X to users').uncheck();
  await card.getByRole('button', { name: 'Save X' }).click();
  const confirm = card.getByLabel(/^Yes, stop offering X to its \d+ connected users?$/);
  await expect(confirm).toBeFocused();
  await expect(card.getByText(/^\d+ users? ha(s|ve) X connected\./)).toBeVisible();
  await expect(card.getByRole('alert')).toHaveText('Please correct the highlighted field.');
  await admin.screenshot({ path: 'screenshots/admin-confirm-disable.png', fullPage: true });

  await confirm.check();
  await card.getByRole('button', { name: 'Save X' }).click();
  await expect(card.getByText('X settings saved.')).toBeVisible();
  await expect(card.getByText('Not offered', { exact: true })).toBeVisible();
  await expect(card.getByText('X settings saved.')).toHaveCount(0, { timeout: 10_000 });
});

test('an error in the closed Advanced section opens it and takes the focus', async ({ page }) => {
  await asAdmin(page);
  const card = providerCard(page, 'Facebook');
  await cardReady(card);
  const advanced = card.getByText('Advanced: endpoints');
  await advanced.click();
  await card.getByLabel('Token URL', { exact: true }).fill('not a url');
  await advanced.click();
  await card.getByRole('button', { name: 'Save Facebook' }).click();
  const token = card.getByLabel('Token URL', { exact: true });
  await expect(token).toBeVisible();
  await expect(token).toBeFocused();
  await expect(token).toHaveAccessibleDescription(/^Token URL: enter a full URL/);
  await expect(card.locator('details.advanced')).toHaveAttribute('open', '');
});

test('Copy says Copied for a moment', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await asAdmin(page);
  const card = providerCard(page, 'X');
  await cardReady(card);
  await card.getByRole('button', { name: 'Copy' }).first().click();
  await expect(card.getByRole('status').filter({ hasText: 'Copied' })).toHaveCount(1);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/auth\/x\/callback$/);
  await expect(card.getByText('Copied', { exact: true })).toHaveCount(0, { timeout: 6_000 });
});

test('Enter on a sandbox account allows', async ({ browser, page, undo }) => {
  await configureProvider(browser, 'google');
  await signUp(page, 'Kim Keyboard', uniqueEmail('kim'));
  await open(page, '/settings/applications');
  const card = providerCard(page, 'Google');
  await cardReady(card);
  undo(() => disconnectIfConnected(page, 'Google'));
  await card.getByRole('button', { name: 'Connect Google' }).click();
  const alan = page.getByLabel(/Alan Turing/);
  await alan.check();
  await alan.press('Enter');
  await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
  await expect(page.getByRole('status')).toContainText('Your Google account is connected.');
});
