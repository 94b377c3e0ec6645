import { type Page } from '@playwright/test';
import { disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { open, signUp, uniqueEmail } from './helpers';
import { LABELS, SANDBOX, configureProvider, connectAs, type Slug } from './providers';

// Links that stay true, as a person sees them: the card says when the link was last checked;
// when the person removes Orga Connect at X or Google, the server's health job (every second
// here, re-reading each link after 3 s: HEALTH_INTERVAL_SECS, HEALTH_RECHECK_SECS in
// scripts/test) notices, the card says "Reconnect needed" with the reason, and Reconnect
// makes it Active again.

/** Removes Orga Connect from `person`'s account at `p`, on the sandbox's own page. */
async function removeAtProvider(page: Page, p: Slug, person: string): Promise<void> {
  await page.goto(`${SANDBOX}/`);
  await page.getByRole('link', { name: `${LABELS[p]} apps of ${person}` }).click();
  await page.getByRole('button', { name: 'Remove Orga Connect' }).click();
  await expect(page.getByRole('status')).toContainText(`Orga Connect was removed from your ${LABELS[p]} account`);
}

for (const p of ['x', 'google'] as Slug[]) {
  test(`${LABELS[p]}: removed at the provider, noticed, reconnected`, async ({ browser, page, undo }) => {
    const label = LABELS[p];
    await configureProvider(browser, p);
    await signUp(page, 'Health Test', uniqueEmail(`health-${p}`));
    await open(page, '/settings/applications');
    undo(() => disconnectIfConnected(page, label));
    await connectAs(page, p, 'Ada Lovelace');
    const card = providerCard(page, label);
    await expect(card.getByText(/^Active · checked (just now|\d+ (second|minute)s? ago)$/)).toBeVisible();

    await removeAtProvider(page, p, 'Ada Lovelace');

    await open(page, '/settings/applications');
    await expect(async () => {
      await page.reload();
      await expect(providerCard(page, label).getByText(`Reconnect needed — ${label} no longer grants access`)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(card.getByText('Reconnect needed', { exact: true })).toBeVisible();
    await page.screenshot({ path: `screenshots/applications-reconnect-needed-${p}.png`, fullPage: true });

    await card.getByRole('button', { name: `Reconnect ${label}` }).click();
    await page.getByLabel(/Ada Lovelace/).check();
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
    await expect(page.getByRole('status')).toContainText(`Your ${label} account is connected.`);
    await expect(card.getByText(/^Active · checked/)).toBeVisible();
    await expect(card.getByText('Reconnect needed')).toHaveCount(0);
    await page.screenshot({ path: `screenshots/applications-active-${p}.png`, fullPage: true });
  });
}

test('Refresh checks a link at once, without a new consent', async ({ browser, page, undo }) => {
  await configureProvider(browser, 'x');
  await signUp(page, 'Refresh Test', uniqueEmail('refresh'));
  await open(page, '/settings/applications');
  undo(() => disconnectIfConnected(page, 'X'));
  await connectAs(page, 'x', 'Ada Lovelace');
  const card = providerCard(page, 'X');
  await card.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('status')).toHaveText('Your X account is checked: it works, and its details are up to date.');
  await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
  await expect(card.getByText(/^Active · checked/)).toBeVisible();
});
