import { expect, test } from './fixtures';
import { onPath, open, signIn, signOut, signUp, uniqueEmail } from './helpers';

test('sign up, sign out and sign in again', async ({ page }) => {
  const email = uniqueEmail('grace');
  await signUp(page, 'Grace Hopper', email);
  await expect(page).toHaveURL(onPath('/settings/profile'));
  await expect(page.getByRole('heading', { name: 'Profile', exact: true })).toBeVisible();
  await expect(page.locator('.profile-card')).toContainText('Grace Hopper');
  await expect(page.locator('.profile-card')).toContainText(email);
  await page.screenshot({ path: 'screenshots/profile.png', fullPage: true });

  await signOut(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();

  await open(page, '/signin');
  await signIn(page, email, 'correct horse');
  await expect(page).toHaveURL(onPath('/settings/profile'));
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Grace Hopper');
});

test('a wrong password is refused with one message', async ({ page }) => {
  const email = uniqueEmail('ada');
  await signUp(page, 'Ada Lovelace', email);
  await expect(page).toHaveURL(onPath('/settings/profile'));
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
  await expect(page).toHaveURL(onPath('/settings/profile'));
  await signOut(page);

  await signUp(page, 'Second Owner', email, { expectError: true });
  await expect(page.getByRole('alert')).toContainText('already exists');

  // A field's message is said once, beside the field; the alert on top only sums up.
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText('Please correct the highlighted field.');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Enter a valid email address, like name@example.com.');
  await expect(page.getByLabel('Email')).toBeFocused();

  await page.getByLabel('Email').fill(uniqueEmail('short'));
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 8 characters for your password.')).toHaveCount(1);
  await page.screenshot({ path: 'screenshots/signup-error.png', fullPage: true });
});

test('sign-up lists every mistake at once, each once, beside its field', async ({ page }) => {
  await open(page, '/signup');
  await page.getByLabel('Name').fill('  ');
  await page.getByLabel('Email').fill('nope');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText('Please correct the highlighted fields.');
  for (const [label, message] of [
    ['Name', 'Enter your name.'],
    ['Email', 'Enter a valid email address, like name@example.com.'],
    ['Password', 'Use at least 8 characters for your password.'],
  ]) {
    await expect(page.getByText(message, { exact: true })).toHaveCount(1);
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute('aria-invalid', 'true');
  }
  // The first field to correct has the keyboard.
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
});

test('a signed-in user opening sign-in or sign-up is sent on', async ({ page }) => {
  await signUp(page, 'Sam Signed', uniqueEmail('signed'));
  await page.goto('/signin?next=/settings/applications');
  await expect(page).toHaveURL(onPath('/settings/applications'));
  await page.goto('/signup');
  await expect(page).toHaveURL(onPath('/settings/profile'));
});

test('the app has one address: 127.0.0.1 leads to localhost', async ({ page, baseURL }) => {
  const app = new URL(baseURL ?? 'http://localhost:3800');
  test.skip(app.hostname !== 'localhost', 'needs PUBLIC_URL on localhost, as ./scripts/test sets it');
  await page.goto(`http://127.0.0.1:${app.port}/signin?next=/settings/profile`);
  await expect(page).toHaveURL(`${app.origin}/signin?next=/settings/profile`);
});

test('the header keeps to one line on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const header = page.locator('header.topbar');
  const oneLine = async () => {
    const brand = await page.getByRole('link', { name: 'Orga Connect', exact: true }).boundingBox();
    const box = await header.boundingBox();
    expect(brand && box).toBeTruthy();
    // One row: the header is no taller than its tallest item plus its padding.
    expect(box!.height).toBeLessThan(brand!.height + 30);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  };
  await open(page, '/');
  await oneLine();
  await signUp(page, 'Maximilian Alexander Longname-Smith', uniqueEmail('phone'));
  await oneLine();
  await page.screenshot({ path: 'screenshots/header-375.png' });
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
