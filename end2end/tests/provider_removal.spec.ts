import { type Page } from '@playwright/test';
import { expect, providerCard, test } from './fixtures';
import { open, signUp, uniqueEmail } from './helpers';
import { LABELS, SANDBOX, configureProvider, connectAs, type Slug } from './providers';

// A person removes Orga Connect at the provider (the sandbox's "Apps and websites" page): Meta
// calls the app's deauthorize callback, and the card says so. Removal leaves a tombstone that
// still names the sandbox account, so every test ends by asking for the data to be deleted,
// which removes the link for good and frees Ada's account for the next spec.

/** The sandbox's "Apps and websites" page of `person` at `p`, reached from its index. */
async function openAppsAtProvider(page: Page, p: Slug, person: string): Promise<void> {
  await page.goto(`${SANDBOX}/`);
  await page.getByRole('link', { name: `${LABELS[p]} apps of ${person}` }).click();
  await expect(page.getByRole('heading', { name: 'Apps and websites' })).toBeVisible();
}

/** Asks `p` to have Orga Connect delete `person`'s data; returns the confirmation code. */
async function requestDataDeletion(page: Page, p: Slug, person: string): Promise<string> {
  await openAppsAtProvider(page, p, person);
  await page.getByRole('button', { name: 'Request deletion of my data' }).click();
  await expect(page.getByRole('status')).toContainText(`Orga Connect received your request to delete your ${LABELS[p]} data.`);
  return (await page.getByTestId('confirmation-code').textContent()) ?? '';
}

for (const p of ['facebook', 'instagram'] as Slug[]) {
  test(`removing Orga Connect at ${LABELS[p]} shows on its card`, async ({ browser, page, undo }) => {
    const label = LABELS[p];
    await configureProvider(browser, p);
    await signUp(page, 'Removal Test', uniqueEmail(`removal-${p}`));
    await open(page, '/settings/applications');
    undo(() => requestDataDeletion(page, p, 'Ada Lovelace'));
    await connectAs(page, p, 'Ada Lovelace');
    await expect(page.getByRole('status')).toContainText(`Your ${label} account is connected.`);

    await openAppsAtProvider(page, p, 'Ada Lovelace');
    await page.getByRole('button', { name: 'Remove Orga Connect' }).click();
    const notice = page.getByRole('status');
    await expect(notice).toContainText(`Orga Connect was removed from your ${label} account`);
    await expect(notice).toContainText('Orga Connect was told (HTTP 200).');
    await expect(page.getByRole('button', { name: 'Remove Orga Connect' })).toHaveCount(0);

    await open(page, '/settings/applications');
    const card = providerCard(page, label);
    await expect(card.getByText(`${label} removed access on`, { exact: false })).toBeVisible();
    await expect(card.getByRole('button', { name: `Connect ${label}` })).toBeVisible();
    await page.screenshot({ path: `screenshots/applications-removed-${p}.png`, fullPage: true });
  });
}

test('a data-deletion request removes the link and has a status page', async ({ browser, page, undo }) => {
  await configureProvider(browser, 'facebook');
  await signUp(page, 'Deletion Test', uniqueEmail('deletion'));
  await open(page, '/settings/applications');
  undo(() => requestDataDeletion(page, 'facebook', 'Ada Lovelace'));
  await connectAs(page, 'facebook', 'Ada Lovelace');
  await expect(page.getByRole('status')).toContainText('Your Facebook account is connected.');

  const code = await requestDataDeletion(page, 'facebook', 'Ada Lovelace');
  expect(code).toMatch(/^[A-Za-z0-9_-]{32,}$/);
  await page.getByRole('status').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/connect/deletion/${code}$`));
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Facebook data deletion request' })).toBeVisible();
  await expect(page.getByText(/Orga Connect deleted the data it held about your Facebook account/)).toBeVisible();
  await page.screenshot({ path: 'screenshots/data-deletion-status.png', fullPage: true });

  await open(page, '/settings/applications');
  await expect(providerCard(page, 'Facebook').getByRole('button', { name: 'Connect Facebook' })).toBeVisible();

  const res = await page.goto('/connect/deletion/no-such-code');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
