// The release build's smoke suite (./scripts/release-smoke): the same browser, fixtures and
// console check as the debug suite, against `cargo leptos build --release` with the sandbox
// compiled in. Its own output directory and report, so running it after the debug suite does not
// wipe the debug suite's traces and screenshots.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  outputDir: 'test-results-release',
  reporter: [['list'], ['json', { outputFile: 'test-results-release/report.json' }]],
  projects: [{ name: 'release-smoke', testMatch: /release-smoke\.spec\.ts/ }],
});
