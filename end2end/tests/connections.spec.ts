import { cardReady, disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { open, signUp, uniqueEmail } from './helpers';
import { LABELS, SANDBOX, configureProvider, connectAs, type Slug } from './providers';

const ALL: Slug[] = ['facebook', 'x', 'instagram', 'google'];

// The sandbox has three people, the same on every provider, and an account connects to one Orga
// profile at a time: a test that connects one disconnects it afterwards, passed or failed.

for (const p of ALL) {
  test(`connect and disconnect ${LABELS[p]}`, async ({ browser, page, undo }) => {
    const label = LABELS[p];
    await configureProvider(browser, p);
    // One name only: the last name and the picture are empty, for the provider to fill.
    await signUp(page, 'Sam', uniqueEmail(`sam-${p}`));
    await open(page, '/settings/applications');
    await expect(providerCard(page, label).getByRole('button', { name: `Connect ${label}` })).toBeVisible();

    undo(() => disconnectIfConnected(page, label));
    await connectAs(page, p, 'Ada Lovelace');
    await expect(page.getByRole('status')).toContainText(`Your ${label} account is connected.`);
    // Which of the empty profile fields it filled (the last name and the picture).
    await expect(page.getByRole('status')).toContainText(`Your profile's name and picture were filled from ${label}.`);
    // Focus lands on the outcome, inside the provider's card.
    await expect(providerCard(page, label).getByRole('status')).toBeFocused();
    const card = providerCard(page, label);
    await expect(card.getByText('Connected', { exact: true })).toBeVisible();
    await expect(card.getByText('Ada Lovelace', { exact: true })).toBeVisible();
    // Decorative (the name is beside it), over the initials that show if it fails.
    await expect(card.locator('img.avatar-picture')).toHaveAttribute('src', /^\/avatars\/[0-9a-f]{64}$/);
    if (p === 'x' || p === 'instagram') await expect(card.getByText('@ada_lovelace')).toBeVisible();
    if (p !== 'google') {
      await expect(card.getByRole('link', { name: `View profile on ${label}` })).toHaveAttribute('href', new RegExp(`^${SANDBOX}/`));
    }
    await expect(card.getByText(/^\d{1,2} \w+ \d{4} at \d{2}:\d{2} UTC$/)).toBeVisible();
    await expect(card.getByRole('link', { name: `Manage Orga Connect's access on ${label}` })).toHaveAttribute('href', new RegExp(`^${SANDBOX}`));
    await page.screenshot({ path: `screenshots/applications-${p}.png`, fullPage: true });

    // Empty profile fields were filled; the name the user set was kept. The name's <dd> has no
    // accessible name of its own, hence its test id.
    await open(page, '/settings/profile');
    await expect(page.getByTestId('profile-name')).toHaveText('Sam Lovelace');
    // Our copy of the picture, never the provider's (expiring) URL.
    await expect(page.locator('.profile-card img.avatar-picture')).toHaveAttribute('src', /^\/avatars\/[0-9a-f]{64}$/);
    await page.screenshot({ path: `screenshots/profile-${p}.png`, fullPage: true });

    // Disconnect, confirmed, without a full page load.
    await open(page, '/settings/applications');
    await cardReady(providerCard(page, label));
    await page.evaluate(() => ((window as unknown as { __stay: number }).__stay = 1));
    await providerCard(page, label).getByText('Disconnect', { exact: true }).click();
    await providerCard(page, label).getByRole('button', { name: `Yes, disconnect ${label}` }).click();
    await expect(page.getByRole('status')).toHaveText(`Your ${label} account is disconnected.`);
    await expect(providerCard(page, label).getByRole('button', { name: `Connect ${label}` })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __stay?: number }).__stay)).toBe(1);
  });
}

test('the Connect button is shown only while the provider is enabled', async ({ browser, page, undo }) => {
  // X is there throughout: the list has loaded, so a missing Facebook card is really missing.
  await configureProvider(browser, 'x');
  undo(() => configureProvider(browser, 'facebook'));
  await configureProvider(browser, 'facebook', { enabled: false });
  await signUp(page, 'Hidden Test', uniqueEmail('hidden'));
  await open(page, '/settings/applications');
  await expect(providerCard(page, 'X').getByRole('button', { name: 'Connect X' })).toBeVisible();
  await expect(providerCard(page, 'Facebook')).toHaveCount(0);

  await configureProvider(browser, 'facebook');
  await page.reload();
  await expect(providerCard(page, 'Facebook').getByRole('button', { name: 'Connect Facebook' })).toBeVisible();

  await configureProvider(browser, 'facebook', { enabled: false });
  await page.reload();
  await expect(providerCard(page, 'X').getByRole('button', { name: 'Connect X' })).toBeVisible();
  await expect(providerCard(page, 'Facebook')).toHaveCount(0);
});

test('cancelling at the provider changes nothing', async ({ browser, page }) => {
  await configureProvider(browser, 'x');
  await signUp(page, 'Cancel Test', uniqueEmail('cancel'));
  await open(page, '/settings/applications');
  await connectAs(page, 'x', 'Alan Turing', 'Cancel');
  await expect(page.getByRole('status')).toHaveText('You cancelled connecting X. Nothing was changed.');
  await expect(providerCard(page, 'X').getByRole('button', { name: 'Connect X' })).toBeVisible();
});

test('a tampered state is refused', async ({ browser, page }) => {
  await configureProvider(browser, 'google');
  await signUp(page, 'Tamper Test', uniqueEmail('tamper'));
  await open(page, '/settings/applications');
  const card = providerCard(page, 'Google');
  await cardReady(card);
  await card.getByRole('button', { name: 'Connect Google' }).click();
  await expect(page).toHaveURL(new RegExp(`^${SANDBOX}/`));
  const res = await page.goto('/auth/google/callback?code=made-up&state=tampered');
  expect(res?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: 'Connection not completed' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/connect-problem.png', fullPage: true });
  await open(page, '/settings/applications');
  await expect(providerCard(page, 'Google').getByRole('button', { name: 'Connect Google' })).toBeVisible();
});

test('an account connected to another user is refused', async ({ browser, page, undo }) => {
  await configureProvider(browser, 'instagram');
  const first = await browser.newContext();
  undo(() => first.close());
  const firstPage = await first.newPage();
  await signUp(firstPage, 'First Owner', uniqueEmail('owner'));
  await open(firstPage, '/settings/applications');
  undo(() => disconnectIfConnected(firstPage, 'Instagram'));
  await connectAs(firstPage, 'instagram', 'Grace Hopper');
  await expect(firstPage.getByRole('status')).toContainText('Your Instagram account is connected.');

  await signUp(page, 'Second Person', uniqueEmail('second'));
  await open(page, '/settings/applications');
  undo(() => disconnectIfConnected(page, 'Instagram'));
  await connectAs(page, 'instagram', 'Grace Hopper');
  await expect(page.getByRole('alert')).toHaveText('This Instagram account is already connected to another Orga profile. Nothing was changed.');
  await expect(providerCard(page, 'Instagram').getByRole('button', { name: 'Connect Instagram' })).toBeVisible();
});
