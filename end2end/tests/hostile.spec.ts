// Hostile names and addresses, typed by a person or sent by a provider, are shown as text in a
// real browser: no dialog opens, no script runs, and no `javascript:` URL reaches the DOM.
import { type Page } from '@playwright/test';
import { disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { open, signUp, uniqueEmail } from './helpers';
import { clearFaults, configureProvider, connectAs, setFault } from './providers';

const MARKUP = `<img src=x onerror=alert(document.domain)>"'><script>alert(1)</script>`;

async function noScriptUrls(page: Page): Promise<void> {
  const found = await page.evaluate(() =>
    [...document.querySelectorAll('[href],[src],[action],[formaction]')]
      .flatMap((el) => ['href', 'src', 'action', 'formaction'].map((a) => el.getAttribute(a) ?? ''))
      .filter((v) => /^\s*(javascript|data|vbscript):/i.test(v)),
  );
  expect(found, 'script URLs in the DOM').toEqual([]);
}

test('hostile names and URLs are shown as text, never run', async ({ browser, page, undo }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await configureProvider(browser, 'facebook');
  await signUp(page, `Eve ${MARKUP}`, uniqueEmail('eve'));
  await expect(page.getByTestId('profile-name')).toContainText('<img src=x');
  await noScriptUrls(page);

  // A provider account whose names are markup and whose link and picture are script URLs.
  await setFault('facebook', 'profile', 'hostile_strings');
  undo(() => clearFaults());
  undo(() => disconnectIfConnected(page, 'Facebook'));
  await open(page, '/settings/applications');
  await connectAs(page, 'facebook', 'Grace Hopper');
  await expect(page.getByRole('status')).toContainText('Your Facebook account is connected.');
  const card = providerCard(page, 'Facebook');
  await expect(card.getByText(/Grace Hopper<img src=x/)).toBeVisible();
  await expect(card.getByRole('link', { name: 'View profile on Facebook' })).toHaveCount(0);
  await noScriptUrls(page);
  await open(page, '/settings/profile');
  await noScriptUrls(page);
  await open(page, '/');
  await noScriptUrls(page);
  expect(dialogs, 'dialogs opened by hostile data').toEqual([]);
  expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
});
