import { defineConfig } from '@playwright/test';

const port = process.env.E2E_PORT ?? '3800';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One at a time: every spec shares the sandbox's three people and the four providers' settings.
  // Each spec creates its own users and undoes what it changes, but two running at once could
  // still see each other's half-done changes (a provider disabled, an account connected).
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The JSON report is how ./scripts/test knows Playwright ran at all: `cargo leptos
  // end-to-end` exits 0 when the build fails before Playwright starts.
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  projects: [
    // release-smoke.spec.ts runs against the release build only (release.config.ts).
    { name: 'chromium', testIgnore: [/nojs\.spec\.ts/, /release-smoke\.spec\.ts/] },
    // The same server seen by a browser with JavaScript off: pages must arrive complete and
    // every form must work as a plain post.
    { name: 'no-javascript', testMatch: /nojs\.spec\.ts/, use: { javaScriptEnabled: false } },
  ],
  use: {
    baseURL: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
