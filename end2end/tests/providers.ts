import { expect, type Browser, type Page } from '@playwright/test';
import { ADMIN, cardReady, onPath, open, providerCard, signIn } from './helpers';

export type Slug = 'facebook' | 'x' | 'instagram' | 'google';
export const LABELS: Record<Slug, string> = { facebook: 'Facebook', x: 'X', instagram: 'Instagram', google: 'Google' };

/** The sandbox runs on another site (127.0.0.1) than the app (localhost), as real providers do. */
export const SANDBOX = process.env.SANDBOX_URL ?? `http://127.0.0.1:${Number(process.env.E2E_PORT ?? '3800') + 1}`;

/** One provider in the sandbox's `GET /_sandbox/endpoints`: its settings, app and consent page. */
export interface SandboxProvider {
  scopes: string;
  authorize_url: string;
  token_url: string;
  profile_url: string;
  revoke_url: string;
  graph_version: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  consent_url: string;
}

let endpoints: Promise<Record<Slug, SandboxProvider>> | undefined;

/** Where each provider lives in the sandbox, as the sandbox itself says (fetched once). */
export function sandboxEndpoints(): Promise<Record<Slug, SandboxProvider>> {
  endpoints ??= fetch(`${SANDBOX}/_sandbox/endpoints`).then(async (res) => {
    if (!res.ok) throw new Error(`${SANDBOX}/_sandbox/endpoints answered HTTP ${res.status}`);
    return (await res.json()) as Record<Slug, SandboxProvider>;
  });
  return endpoints;
}

/** A call to the sandbox's control routes, with the token `./scripts/test` put in the environment. */
export async function sandboxControl(method: 'GET' | 'POST' | 'DELETE', path: 'faults' | 'revocations', body?: unknown): Promise<unknown> {
  const token = process.env.SANDBOX_CONTROL_TOKEN;
  if (!token) throw new Error('SANDBOX_CONTROL_TOKEN is not set (./scripts/test sets it)');
  const res = await fetch(`${SANDBOX}/_sandbox/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${method} /_sandbox/${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Makes a provider endpoint misbehave, e.g. `setFault('x', 'token', { delay_ms: 12000 })`. */
export async function setFault(p: Slug, endpoint: string, fault: unknown): Promise<void> {
  await sandboxControl('POST', 'faults', { provider: p, endpoint, fault });
}

/** Removes every installed fault. */
export async function clearFaults(): Promise<void> {
  await sandboxControl('DELETE', 'faults');
}

/** Tokens revoked at each provider, oldest first. */
export async function revokedTokens(): Promise<Record<Slug, string[]>> {
  return (await sandboxControl('GET', 'revocations')) as Record<Slug, string[]>;
}

/** The admin form's fields for a provider's sandbox app, from `/_sandbox/endpoints`. */
export async function sandboxSettings(p: Slug): Promise<Record<string, string>> {
  const e = (await sandboxEndpoints())[p];
  if (p === 'google') return { 'OpenID Connect issuer': e.issuer };
  return {
    'Authorize URL': e.authorize_url,
    'Token URL': e.token_url,
    'Profile URL': e.profile_url,
    'Revoke URL': e.revoke_url,
  };
}

/** The admin's card for a provider on Admin › Social apps. */
export function adminCard(page: Page, p: Slug) {
  return providerCard(page, LABELS[p]);
}

/** Signs in as the admin in a context of its own and saves the provider's sandbox app. */
export async function configureProvider(browser: Browser, p: Slug, opts: { enabled?: boolean; secret?: boolean } = {}): Promise<void> {
  // The admin's own context, with JavaScript whatever the test's project says.
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  await open(page, '/signin?next=/admin/social-apps');
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(onPath('/admin/social-apps'));
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  const card = adminCard(page, p);
  await cardReady(card);
  const app = (await sandboxEndpoints())[p];
  const enabled = card.getByLabel(`Offer ${LABELS[p]} to users`);
  if (opts.enabled ?? true) await enabled.check(); else await enabled.uncheck();
  await card.getByLabel('Client id').fill(app.client_id);
  if (opts.secret ?? true) await card.getByLabel('Client secret').fill(app.client_secret);
  await card.getByText('Advanced: endpoints').click();
  for (const [label, value] of Object.entries(await sandboxSettings(p))) {
    await card.getByLabel(label, { exact: true }).fill(value);
  }
  const save = card.getByRole('button', { name: `Save ${LABELS[p]}` });
  await save.click();
  const saved = card.getByText(`${LABELS[p]} settings saved.`);
  if (!(opts.enabled ?? true)) {
    // People may have it connected: the server asks before it stops offering it.
    const confirm = card.getByLabel(new RegExp(`^Yes, stop offering ${LABELS[p]} to `));
    await expect(saved.or(confirm)).toBeVisible();
    if (await confirm.isVisible()) {
      await confirm.check();
      await save.click();
    }
  }
  await expect(saved).toBeVisible();
  await context.close();
}

/** The user's card for a provider on Settings › Applications. */
export function appCard(page: Page, p: Slug) {
  return providerCard(page, LABELS[p]);
}

/** Clicks Connect, picks `person` at the sandbox and answers `decision`. */
export async function connectAs(page: Page, p: Slug, person: string, decision: 'Allow' | 'Cancel' = 'Allow'): Promise<void> {
  await cardReady(appCard(page, p));
  await appCard(page, p).getByRole('button', { name: `Connect ${LABELS[p]}` }).click();
  const consent = new URL((await sandboxEndpoints())[p].consent_url);
  await expect(page).toHaveURL((url) => url.origin === consent.origin);
  await page.getByLabel(new RegExp(person)).check();
  await page.getByRole('button', { name: decision, exact: true }).click();
  await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}
