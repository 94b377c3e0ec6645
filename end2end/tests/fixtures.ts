// Every test fails when the browser reports a Rust panic, a hydration error or a Content
// Security Policy violation, even if the page happened to look right. Tests undo what they change (`undo`) and find cards by the
// accessible name of their region, as a screen reader would.
import { execFileSync } from 'node:child_process';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { cardReady, open, providerCard, serverBinary, uniqueEmail } from './helpers';

/** Registers a step that restores what the test is about to change. */
export type Undo = (step: () => Promise<unknown>) => void;

export const test = base.extend<{ browserErrors: void; undo: Undo }>({
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        const text = msg.text();
        if (msg.type() === 'error' && /panicked|hydration|Content Security Policy/i.test(text)) {
          errors.push(text.slice(0, 500));
        }
      });
      page.on('pageerror', (err) => errors.push(err.message.slice(0, 500)));
      await use();
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
  // Runs after the test, passed or failed, last registered first, so the next spec finds the
  // server as this one found it. Every step runs even when one fails. Depends on `page` so the
  // page is still open while the steps run.
  undo: async ({ page }, use) => {
    const steps: Array<() => Promise<unknown>> = [];
    await use((step) => steps.push(step));
    const failures: unknown[] = [];
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw new AggregateError(failures, 'undoing what the test changed failed');
  },
});

export { expect };

export { cardReady, providerCard };

/** Disconnects `label` for the user signed in on `page`, if it is connected. */
export async function disconnectIfConnected(page: Page, label: string): Promise<void> {
  await open(page, '/settings/applications');
  const card = providerCard(page, label);
  // The confirmation is in a closed <dialog>, out of the accessibility tree until the
  // Disconnect button opens it: the button tells whether the account is connected.
  const disconnect = card.getByRole('button', { name: 'Disconnect', exact: true });
  if ((await disconnect.count()) === 0) return;
  await cardReady(card);
  await disconnect.click();
  await card.getByRole('button', { name: `Yes, disconnect ${label}` }).click();
  await expect(page.getByRole('status')).toHaveText(`Your ${label} account is disconnected.`);
}

/** A new administrator of this test's own, created with the server's CLI (password on stdin). */
export function createAdmin(name: string): { email: string; password: string } {
  const admin = { email: uniqueEmail('admin'), password: 'admin-password-1' };
  execFileSync(serverBinary(), ['create-admin', '--email', admin.email, '--name', name], {
    input: `${admin.password}\n`,
    env: process.env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  return admin;
}
