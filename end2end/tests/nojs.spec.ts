// The whole app without JavaScript (the `no-javascript` project): every page arrives complete,
// every form works as a plain post, shows its errors and keeps what was typed, and outcomes come
// back from the server. Runs only in the project whose browser has JavaScript disabled.
import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import { ADMIN, onPath, providerCard, uniqueEmail } from './helpers';
import { LABELS, configureProvider } from './providers';

const LOADS = 20;

/** Opens `path` and checks that the page is finished: no "Loading…" anywhere in it. */
async function complete(page: Page, path: string): Promise<void> {
  const res = await page.goto(path);
  expect(res?.ok(), `${path}: HTTP ${res?.status()}`).toBe(true);
  expect(await page.content(), `${path} is still loading`).not.toContain('Loading…');
}

async function signUpPlain(page: Page, name: string, email: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(onPath('/settings/profile'));
}

test.beforeEach(({ javaScriptEnabled }) => {
  test.skip(javaScriptEnabled !== false, 'runs in the no-javascript project only');
});

test('sign-up and sign-in show their errors and keep what was typed', async ({ page }) => {
  const email = uniqueEmail('nojs-signin');
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Plain Poster');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(onPath('/signup'));
  await expect(page.locator('#field-email-error')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue('Plain Poster');
  await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
  await expect(page.getByLabel('Password')).toHaveValue('');

  await signUpPlain(page, 'Plain Poster', email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(onPath('/'));

  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page.getByLabel('Email')).toHaveValue(email);
  // Shown once: a reload has nothing to say.
  await page.reload();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(onPath('/settings/profile'));
});

test(`Applications, Profile and Admin are complete on each of ${LOADS} loads`, async ({ browser, page }) => {
  await configureProvider(browser, 'x');
  await signUpPlain(page, 'Load Tester', uniqueEmail('nojs-loads'));
  for (let i = 0; i < LOADS; i++) {
    await complete(page, '/settings/applications');
    await expect(providerCard(page, 'X').getByRole('button', { name: 'Connect X' })).toBeVisible();
    await complete(page, '/settings/profile');
    await expect(page.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
  }
  const admin = await browser.newContext({ javaScriptEnabled: false });
  const adminPage = await admin.newPage();
  await adminPage.goto('/signin?next=/admin/social-apps');
  await adminPage.getByLabel('Email').fill(ADMIN.email);
  await adminPage.getByLabel('Password').fill(ADMIN.password);
  await adminPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(adminPage).toHaveURL(onPath('/admin/social-apps'));
  for (let i = 0; i < LOADS; i++) {
    await complete(adminPage, '/admin/social-apps');
    await expect(providerCard(adminPage, 'Google').getByRole('button', { name: 'Save Google' })).toBeVisible();
  }
  await admin.close();
});

test('connect and disconnect with plain forms', async ({ browser, page }) => {
  await configureProvider(browser, 'x');
  await signUpPlain(page, 'Plain', uniqueEmail('nojs-connect'));
  await page.goto('/settings/applications');
  await providerCard(page, 'X').getByRole('button', { name: 'Connect X' }).click();
  await page.getByLabel(/Alan Turing/).check();
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/applications#app-x$/);
  const card = providerCard(page, 'X');
  await expect(card.getByRole('status')).toContainText('Your X account is connected.');
  await expect(card.getByText('Alan Turing', { exact: true })).toBeVisible();
  // The outcome is told once, by the server: a reload shows the card, not the message again.
  await page.reload();
  await expect(card.getByRole('status')).toHaveCount(0);

  // The confirmation is a dialog opened by the button's command, without any script; Cancel
  // closes it and nothing happens.
  await card.getByRole('button', { name: 'Disconnect', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect X?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await card.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await dialog.getByRole('button', { name: 'Yes, disconnect X' }).click();
  await expect(page).toHaveURL(onPath('/settings/applications'));
  await expect(card.getByRole('status')).toHaveText('Your X account is disconnected.');
  await expect(card.getByRole('button', { name: 'Connect X' })).toBeVisible();
});

test('profile save: saved, or the error beside its field with what was typed', async ({ page }) => {
  await signUpPlain(page, 'Plain Profile', uniqueEmail('nojs-profile'));
  await page.getByLabel('First name').fill('Renamed');
  await page.getByLabel('Avatar URL').fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page).toHaveURL(onPath('/settings/profile'));
  await expect(page.locator('#field-avatar_url-error')).toContainText('https://');
  await expect(page.getByLabel('First name')).toHaveValue('Renamed');
  await expect(page.getByLabel('Avatar URL')).toHaveValue('javascript:alert(1)');
  await expect(page.getByTestId('profile-name')).toHaveText('Plain Profile');

  await page.getByLabel('Avatar URL').fill('');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status')).toHaveText('Profile saved.');
  await expect(page.getByTestId('profile-name')).toHaveText('Renamed Profile');
});

test('admin save: saved, or the error with what was typed', async ({ browser }) => {
  await configureProvider(browser, 'google');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/signin?next=/admin/social-apps');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  const card = providerCard(page, LABELS.google);
  const clientId = await card.getByLabel('Client id').inputValue();

  await card.getByLabel('Client id').fill('changed-but-refused');
  await card.getByText('Advanced: endpoints').click();
  await card.getByLabel('OpenID Connect issuer').fill('not a url');
  await card.getByRole('button', { name: 'Save Google' }).click();
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await expect(card.locator('[id$="issuer-error"]')).toBeVisible();
  await expect(card.getByLabel('Client id')).toHaveValue('changed-but-refused');
  await expect(card.getByLabel('OpenID Connect issuer')).toHaveValue('not a url');
  // Nothing was stored: a fresh load shows the saved settings.
  await page.goto('/admin/social-apps');
  await expect(card.getByLabel('Client id')).toHaveValue(clientId);

  await card.getByRole('button', { name: 'Save Google' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Google settings saved.' })).toBeVisible();
  await context.close();
});
