// Settings › Profile: changing the password, the signed-in sessions and deleting the account.
import { disconnectIfConnected, expect, test } from './fixtures';
import { onPath, open, signIn, signOut, signUp, uniqueEmail } from './helpers';
import { configureProvider, connectAs, revokedTokens } from './providers';

/** The Profile page's section labelled by its heading. */
function section(page: import('@playwright/test').Page, heading: string) {
  return page.getByRole('region', { name: heading, exact: true });
}

test('change the password: a wrong current one is refused, the new one works', async ({ page }) => {
  const email = uniqueEmail('pw');
  await signUp(page, 'Grace Hopper', email);
  await open(page, '/settings/profile');
  const password = section(page, 'Password');
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password').fill('a much better one');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
  // The message beside its field; the alert above the form only sums up.
  await expect(password.getByText('That is not your current password.')).toBeVisible();
  await expect(password.getByRole('alert')).toHaveText('Please correct the highlighted field.');

  await password.getByLabel('Current password').fill('correct horse');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('status')).toHaveText('Password changed. Every other session is signed out.');
  await expect(password.getByLabel('Current password')).toHaveValue('');
  await page.screenshot({ path: 'screenshots/profile-password.png', fullPage: true });

  await signOut(page);
  await open(page, '/signin');
  await signIn(page, email, 'a much better one');
  await expect(page).toHaveURL(onPath('/settings/profile'));
});

test('sessions: this device is marked, another one is signed out', async ({ browser, page }) => {
  const email = uniqueEmail('sessions');
  await signUp(page, 'Ada Lovelace', email);
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  await open(elsewhere, '/signin');
  await signIn(elsewhere, email, 'correct horse');
  await expect(elsewhere).toHaveURL(onPath('/settings/profile'));

  await open(page, '/settings/profile');
  const sessions = section(page, 'Signed-in sessions');
  const rows = sessions.getByTestId('session');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('This device');
  await expect(rows.first()).toContainText('Chrome on Linux');
  await page.screenshot({ path: 'screenshots/profile-sessions.png', fullPage: true });
  await rows.nth(1).getByRole('button', { name: /^Sign out/ }).click();
  await expect(sessions.getByRole('status')).toHaveText('Session signed out.');
  await expect(rows).toHaveCount(1);

  await elsewhere.goto('/settings/profile');
  await expect(elsewhere).toHaveURL(/\/signin/);
  await other.close();
});

test('sign out of all other sessions asks first', async ({ browser, page }) => {
  const email = uniqueEmail('others');
  await signUp(page, 'Alan Turing', email);
  const contexts = [await browser.newContext(), await browser.newContext()];
  for (const context of contexts) {
    const p = await context.newPage();
    await open(p, '/signin');
    await signIn(p, email, 'correct horse');
    await expect(p).toHaveURL(onPath('/settings/profile'));
  }
  await open(page, '/settings/profile');
  const sessions = section(page, 'Signed-in sessions');
  await expect(sessions.getByTestId('session')).toHaveCount(3);
  await sessions.getByText('Sign out of all other sessions', { exact: true }).click();
  await sessions.getByRole('button', { name: 'Cancel' }).click();
  await expect(sessions.getByRole('button', { name: 'Yes, sign out all other sessions' })).toBeHidden();
  await expect(sessions.getByTestId('session')).toHaveCount(3);

  await sessions.getByText('Sign out of all other sessions', { exact: true }).click();
  await sessions.getByRole('button', { name: 'Yes, sign out all other sessions' }).click();
  await expect(sessions.getByRole('status')).toHaveText('Signed out of 2 other sessions.');
  await expect(sessions.getByTestId('session')).toHaveCount(1);
  for (const context of contexts) {
    const p = context.pages()[0];
    await p.goto('/settings/profile');
    await expect(p).toHaveURL(/\/signin/);
    await context.close();
  }
});

test('delete the account: connections revoked, then the home page', async ({ browser, page, undo }) => {
  const email = uniqueEmail('leaving');
  await configureProvider(browser, 'x');
  await signUp(page, 'Sam Leaving', email);
  undo(() => disconnectIfConnected(page, 'X'));
  await open(page, '/settings/applications');
  await connectAs(page, 'x', 'Ada Lovelace');
  const revokedBefore = (await revokedTokens()).x.length;

  await open(page, '/settings/profile');
  const danger = section(page, 'Delete account');
  await danger.getByText('Delete my account', { exact: true }).click();
  await danger.getByLabel('Your password').fill('not my password');
  await danger.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(danger.getByText('That is not your current password.')).toBeVisible();

  await danger.getByLabel('Your password').fill('correct horse');
  await danger.getByRole('button', { name: 'Yes, delete my account' }).click();
  await expect(page).toHaveURL(onPath('/'));
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  expect((await revokedTokens()).x.length).toBe(revokedBefore + 1);

  await open(page, '/signin');
  await signIn(page, email, 'correct horse');
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
});
