// The release build's smoke test (./scripts/release-smoke, release.config.ts): what wasm-opt and
// the size work on the bundle could break shows here first — a page that no longer hydrates, a
// server function whose answer no longer decodes, a panic. Every step runs in the test's own
// page, so the fixture's console check (panics, hydration errors) covers all of it.
import { disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { ADMIN, cardReady, onPath, open, signIn, signOut, signUp, uniqueEmail } from './helpers';
import { connectAs, sandboxEndpoints, sandboxSettings } from './providers';

test('an admin saves a provider; a new user connects and disconnects it', async ({ page, undo }) => {
  // Admin › Social apps: save X's sandbox app with the form (a server function with a nested
  // struct, a Suspense'd card).
  await open(page, '/signin?next=/admin/social-apps');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  const admin = providerCard(page, 'X');
  await cardReady(admin);
  // Social apps is a lazily loaded page (`--split`, app/src/pages.rs): loaded directly above, its
  // chunks came with the page; reached from another page, they are fetched after hydration,
  // without a full page load.
  await open(page, '/settings/profile');
  await page.evaluate(() => ((window as unknown as { __stay: number }).__stay = 1));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await cardReady(admin);
  expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(1);
  const app = (await sandboxEndpoints()).x;
  await admin.getByLabel('Offer X to users').check();
  await admin.getByLabel('Client id').fill(app.client_id);
  await admin.getByLabel('Client secret').fill(app.client_secret);
  await admin.getByText('Advanced: endpoints').click();
  for (const [label, value] of Object.entries(await sandboxSettings('x'))) {
    await admin.getByLabel(label, { exact: true }).fill(value);
  }
  await admin.getByRole('button', { name: 'Save X' }).click();
  await expect(admin.getByText('X settings saved.')).toBeVisible();
  await signOut(page);

  // A new user: sign up, lands on the profile.
  await signUp(page, 'Rita Release', uniqueEmail('release'));
  await open(page, '/settings/profile');
  await expect(page.getByTestId('profile-name')).toHaveText('Rita Release');

  // Connect X through the sandbox's consent page and back.
  await open(page, '/settings/applications');
  undo(() => disconnectIfConnected(page, 'X'));
  await connectAs(page, 'x', 'Ada Lovelace');
  await expect(page.getByRole('status')).toContainText('Your X account is connected.');
  const card = providerCard(page, 'X');
  await expect(card.getByText('Ada Lovelace', { exact: true })).toBeVisible();

  // Disconnect with the confirmation dialog, without a full page load: the hydrated action.
  await cardReady(card);
  await page.evaluate(() => ((window as unknown as { __stay: number }).__stay = 1));
  await card.getByText('Disconnect', { exact: true }).click();
  await card.getByRole('button', { name: 'Yes, disconnect X' }).click();
  await expect(page.getByRole('status')).toHaveText('Your X account is disconnected.');
  await expect(card.getByRole('button', { name: 'Connect X' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(1);
});
