import { createAdmin, expect, providerCard, test } from './fixtures';
import { onPath, open, signIn, signOut, signUp, uniqueEmail } from './helpers';

test('a visitor is sent to sign in and brought back', async ({ page }) => {
  const email = uniqueEmail('visitor');
  await signUp(page, 'Vera Visitor', email);
  await signOut(page);

  await page.goto('/settings/applications');
  await expect(page).toHaveURL(/\/signin\?next=%2Fsettings%2Fapplications|\/signin\?next=\/settings\/applications/);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await signIn(page, email, 'correct horse');
  await expect(page).toHaveURL(onPath('/settings/applications'));
  await expect(page.getByRole('heading', { name: 'Applications', exact: true })).toBeVisible();
});

test('the admin area is refused to a user', async ({ page }) => {
  await signUp(page, 'Normal User', uniqueEmail('user'));
  await expect(page).toHaveURL(onPath('/settings/profile'));
  // The menu shows who is signed in before it can show, or not, the admin link.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toContainText('Normal User');
  await expect(nav.getByRole('link', { name: 'Settings' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  const res = await page.goto('/admin/social-apps');
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/forbidden.png', fullPage: true });
});

test('the admin area is shown to an admin created with the CLI', async ({ page }) => {
  const admin = createAdmin('Ada Admin');
  await open(page, '/signin');
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(onPath('/settings/profile'));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await expect(page.getByRole('heading', { name: 'Social apps' })).toBeVisible();
  for (const label of ['Facebook', 'X', 'Instagram', 'Google']) {
    await expect(providerCard(page, label).getByLabel(`Offer ${label} to users`)).toBeVisible();
  }
  const res = await page.goto('/admin/social-apps');
  expect(res?.status()).toBe(200);
  await page.screenshot({ path: 'screenshots/admin.png', fullPage: true });
});
