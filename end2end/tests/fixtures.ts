// Every test fails when the browser reports a Rust panic or a hydration error, even if the
// page happened to look right.
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ browserErrors: void }>({
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        const text = msg.text();
        if (msg.type() === 'error' && /panicked|hydration/i.test(text)) errors.push(text.slice(0, 500));
      });
      page.on('pageerror', (err) => errors.push(err.message.slice(0, 500)));
      await use();
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
