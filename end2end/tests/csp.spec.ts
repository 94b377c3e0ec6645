// The Content Security Policy is enforced, and the app works under it: the page hydrates with
// its nonce'd scripts and WebAssembly, and a script injected without the nonce does not run.
// (Plain Playwright `test`: the violation this spec provokes on purpose would fail the
// fixtures' console check, which every other spec relies on.)
import { expect, test } from '@playwright/test';
import { open } from './helpers';

test('a page hydrates under its policy and an injected inline script is refused', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/.test(msg.text())) violations.push(msg.text());
  });
  const res = await page.goto('/signin');
  const policy = res?.headers()['content-security-policy'] ?? '';
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-[A-Za-z0-9_-]{16,}'/);
  expect(policy).not.toContain('unsafe-inline');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  expect(violations, 'the page itself violates nothing').toEqual([]);

  const ran = await page.evaluate(async () => {
    const seen = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }),
    );
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.head.append(script);
    return { directive: await seen, injected: (window as unknown as { __injected?: boolean }).__injected ?? false };
  });
  expect(ran).toEqual({ directive: 'script-src-elem', injected: false });
  await open(page, '/signup');
});
