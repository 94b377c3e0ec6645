// Every page through axe-core, on a desktop and a phone-sized window, with no violation allowed;
// the same walk leaves screenshots of each page (and of Applications with each kind of card) in
// screenshots/, for people to look at.
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type Page } from '@playwright/test';
import { disconnectIfConnected, expect, providerCard, test } from './fixtures';
import { ADMIN, cardReady, onPath, open, signIn, signUp, uniqueEmail } from './helpers';
import { configureProvider, connectAs } from './providers';

const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Runs axe on the page as it is now; fails with the rules and the elements that broke them. */
async function noViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${what}`).toEqual([]);
}

async function check(page: Page, path: string, name: string, size: string, hydrated = true): Promise<void> {
  if (hydrated) await open(page, path);
  else await page.goto(path);
  await noViolations(page, `${path} (${size})`);
  await page.screenshot({ path: `screenshots/${name}-${size}.png`, fullPage: true });
}

/** Admin › Social apps, signed in as the administrator in a context of its own, through axe. */
async function checkAdmin(browser: Browser, size: (typeof SIZES)[number]): Promise<void> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
  const page = await context.newPage();
  await open(page, '/signin?next=/admin/social-apps');
  await signIn(page, ADMIN.email, ADMIN.password);
  // The sign-in must have landed before the next load, or that load goes out without the
  // session and axe checks the sign-in page instead.
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await open(page, '/admin/social-apps');
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await cardReady(providerCard(page, 'X'));
  await noViolations(page, `Admin › Social apps (${size.name})`);
  await page.screenshot({ path: `screenshots/admin-${size.name}.png`, fullPage: true });
  await context.close();
}

for (const size of SIZES) {
  test(`every page passes axe (${size.name})`, async ({ browser, page, undo }) => {
    // A long walk: a dozen pages, two connects and four provider saves.
    test.setTimeout(180_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    await check(page, '/', 'home', size.name);
    await check(page, '/signin', 'signin', size.name);
    await check(page, '/signup', 'signup', size.name);
    await check(page, '/no/such/page', 'not-found', size.name, false);
    await check(page, '/connect/problem?reason=state&provider=x', 'connect-problem', size.name, false);

    // A member with one account connected, one provider offered but not connected, and a link
    // to a provider the server no longer offers.
    await configureProvider(browser, 'x');
    await configureProvider(browser, 'instagram');
    await configureProvider(browser, 'google');
    await signUp(page, 'Axe Tester', uniqueEmail(`axe-${size.name}`));
    await open(page, '/settings/applications');
    undo(() => disconnectIfConnected(page, 'X'));
    undo(() => disconnectIfConnected(page, 'Instagram'));
    await connectAs(page, 'x', 'Grace Hopper');
    await noViolations(page, `Applications with a notice (${size.name})`);
    await connectAs(page, 'instagram', 'Alan Turing');
    undo(() => configureProvider(browser, 'instagram'));
    await configureProvider(browser, 'instagram', { enabled: false });
    await open(page, '/settings/applications');
    await expect(providerCard(page, 'Instagram').getByText('No longer offered by this server. You can still disconnect it.')).toBeVisible();
    await check(page, '/settings/applications', 'applications', size.name);

    // The disconnect dialog, open.
    const card = providerCard(page, 'X');
    await card.getByRole('button', { name: 'Disconnect', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect X?' });
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await noViolations(page, `the disconnect dialog (${size.name})`);
    await page.screenshot({ path: `screenshots/disconnect-dialog-${size.name}.png` });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(card.getByRole('button', { name: 'Disconnect', exact: true })).toBeFocused();

    await check(page, '/settings/profile', 'profile', size.name);

    await checkAdmin(browser, size);
  });
}
