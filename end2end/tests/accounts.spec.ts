import { expect, test } from './fixtures';
import { open, signIn, signOut, signUp, uniqueEmail } from './helpers';

test('sign up, sign out and sign in again', async ({ page }) => {
  const email = uniqueEmail('grace');
  await signUp(page, 'Grace Hopper', email);
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await expect(page.getByRole('heading', { name: 'Profile', exact: true })).toBeVisible();
  await expect(page.locator('.profile-card')).toContainText('Grace Hopper');
  await expect(page.locator('.profile-card')).toContainText(email);
  await page.screenshot({ path: 'screenshots/profile.png', fullPage: true });

  await signOut(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();

  await open(page, '/signin');
  await signIn(page, email, 'correct horse');
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Grace Hopper');
});

test('a wrong password is refused with one message', async ({ page }) => {
  const email = uniqueEmail('ada');
  await signUp(page, 'Ada Lovelace', email);
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await signOut(page);

  await open(page, '/signin');
  await signIn(page, email, 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/signin/);
  // What was typed is still there to correct.
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.screenshot({ path: 'screenshots/signin-error.png', fullPage: true });

  await signIn(page, uniqueEmail('nobody'), 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
});

test('sign-up explains bad input beside the form', async ({ page }) => {
  const email = uniqueEmail('dup');
  await signUp(page, 'First Owner', email);
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await signOut(page);

  await signUp(page, 'Second Owner', email, { expectError: true });
  await expect(page.getByRole('alert')).toContainText('already exists');

  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('valid email address');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Email').fill(uniqueEmail('short'));
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('at least 8 characters');
  await page.screenshot({ path: 'screenshots/signup-error.png', fullPage: true });
});

test('pages look right', async ({ page }) => {
  await open(page, '/');
  await expect(page.getByRole('heading', { name: 'Your event profile, connected.' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/home.png', fullPage: true });
  await open(page, '/signup');
  await page.screenshot({ path: 'screenshots/signup.png', fullPage: true });
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
