import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const ADMIN = { email: 'admin@orga.test', name: 'Ada Admin', password: 'admin-password-1' };

/**
 * The server binary `cargo leptos` built, which is also the CLI: `E2E_SERVER_BIN` when the script
 * says which (./scripts/release-smoke: the release build, with a debug one next to it), else the
 * debug build, else the release build.
 */
export function serverBinary(): string {
  if (process.env.E2E_SERVER_BIN) return process.env.E2E_SERVER_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, '..', '..', 'target');
  const binary = ['debug', 'release'].map((p) => path.join(target, p, 'server')).find((p) => existsSync(p));
  if (!binary) throw new Error(`server binary not found under ${target}`);
  return binary;
}

/** A fresh email address, so tests never depend on each other's users. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/**
 * Matches a URL on its path alone. A regex such as `/\/admin\/social-apps$/` also matches
 * `/signin?next=/admin/social-apps`, the page a sign-in starts from, so it passed before the
 * sign-in had landed anywhere.
 */
export function onPath(path: string): (url: URL) => boolean {
  return (url) => url.pathname === path;
}

/** Opens a page and waits until the WASM has hydrated it. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Signs up; unless `expectError`, waits until the new account lands on its profile. */
export async function signUp(page: Page, name: string, email: string, opts: { expectError?: boolean } = {}): Promise<void> {
  await open(page, '/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  if (!opts.expectError) await expect(page).toHaveURL(onPath('/settings/profile'));
}

/**
 * A provider's card, on Settings › Applications or Admin › Social apps: a `<section>` labelled
 * by its `<h2>`, so a region named after the provider.
 */
export function providerCard(page: Page, label: string): Locator {
  return page.getByRole('region', { name: label, exact: true });
}

/** Waits until a card (under Suspense) is interactive, after the page itself. */
export async function cardReady(card: Locator): Promise<void> {
  await expect(card).toHaveAttribute('data-hydrated', 'true');
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs out with the header's button (the Profile page has Sign out buttons of its own). */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(onPath('/'));
}
