import { expect, test } from './fixtures';
import { ADMIN, open, signIn, signUp, uniqueEmail } from './helpers';

test('a visitor is sent to sign in and brought back', async ({ page }) => {
  await page.goto('/settings/applications');
  await expect(page).toHaveURL(/\/signin\?next=%2Fsettings%2Fapplications|\/signin\?next=\/settings\/applications/);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/settings\/applications$/);
  await expect(page.getByRole('heading', { name: 'Applications', exact: true })).toBeVisible();
});

test('the admin area is refused to a user', async ({ page }) => {
  await signUp(page, 'Normal User', uniqueEmail('user'));
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  const res = await page.goto('/admin/social-apps');
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/forbidden.png', fullPage: true });
});

test('the admin area is shown to an admin created with the CLI', async ({ page }) => {
  await open(page, '/signin');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await page.getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin\/social-apps$/);
  await expect(page.getByRole('heading', { name: 'Social apps' })).toBeVisible();
  const res = await page.goto('/admin/social-apps');
  expect(res?.status()).toBe(200);
  await page.screenshot({ path: 'screenshots/admin.png', fullPage: true });
});
