// Two server processes on one PostgreSQL database behind a load balancer (a small proxy in this
// spec that keeps the Host header and sends each request to the instance the test chooses):
// a connect started on A completes on B, both show the link, signing out on B ends the session
// on A, and an admin's change on A is offered on B at once.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from './fixtures';
import { cardReady, onPath, providerCard, serverBinary, signIn, uniqueEmail } from './helpers';

const PG = process.env.TEST_DATABASE_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : '');
const E2E_PORT = Number(process.env.E2E_PORT ?? '3800');
const LB_PORT = E2E_PORT + 22;
const PUBLIC = `http://localhost:${LB_PORT}`;
const SANDBOX_ADDR = `127.0.0.1:${E2E_PORT + 21}`;
const ADDR = { A: `127.0.0.1:${E2E_PORT + 23}`, B: `127.0.0.1:${E2E_PORT + 24}` } as const;
type Name = keyof typeof ADDR;

test.skip(!PG, 'needs PostgreSQL (TEST_DATABASE_URL): several instances share one PostgreSQL database');
test.describe.configure({ mode: 'serial' });

/** The balancer: every request goes to `target`; `served` records who answered what. */
class Balancer {
  target: Name = 'A';
  served: Array<{ name: Name; path: string }> = [];
  private server = http.createServer((req, res) => {
    const name = this.target;
    const [host, port] = ADDR[name].split(':');
    this.served.push({ name, path: req.url ?? '' });
    const upstream = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(LB_PORT, '127.0.0.1', resolve));
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const dbName = `orga_e2e_two_${process.pid}_${Date.now()}`;
const dbUrl = (() => {
  if (!PG) return '';
  const url = new URL(PG);
  url.pathname = `/${dbName}`;
  return url.toString();
})();
const secretKey = randomBytes(32).toString('base64');
/** The environment of instance `name`: the e2e run's, on this spec's database and balancer. */
function env(name: Name): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    PUBLIC_URL: PUBLIC,
    BIND_ADDR: ADDR[name],
    LEPTOS_SITE_ADDR: ADDR[name],
    // Instances share one key; none is generated on its own.
    SECRET_KEY: secretKey,
    // Both in demo mode against the one sandbox, which only A serves.
    DEMO_MODE: '1',
    SANDBOX_URL: `http://${SANDBOX_ADDR}`,
    SANDBOX_ADDR,
    RUST_LOG: 'warn',
    // Where the built site is: `cargo leptos` tells its own server, not Playwright's children.
    LEPTOS_OUTPUT_NAME: process.env.LEPTOS_OUTPUT_NAME ?? 'orga-connect',
    LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.resolve(__dirname, '..', '..', 'target', 'site'),
    LEPTOS_SITE_PKG_DIR: process.env.LEPTOS_SITE_PKG_DIR ?? 'pkg',
    LEPTOS_HASH_FILES: process.env.LEPTOS_HASH_FILES ?? 'true',
    LEPTOS_HASH_FILE_NAME: process.env.LEPTOS_HASH_FILE_NAME ?? 'hash.txt',
  };
  delete vars.SECRET_KEY_FILE;
  if (name === 'B') delete vars.SANDBOX_ADDR;
  return vars;
}
const children: ChildProcess[] = [];
const balancer = new Balancer();
const admin = { email: uniqueEmail('two-admin'), password: 'admin-password-1' };

async function healthy(addr: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://${addr}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${addr} did not start`);
}

test.beforeAll(async () => {
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE "${dbName}"`]);
  for (const name of ['A', 'B'] as const) {
    const child = spawn(serverBinary(), [], { env: env(name), stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    // A first: it migrates the database and writes the demo settings B then finds.
    await healthy(ADDR[name]);
  }
  execFileSync(serverBinary(), ['create-admin', '--email', admin.email, '--name', 'Two Admin'], {
    input: `${admin.password}\n`,
    env: env('B'),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  await balancer.listen();
});

test.afterAll(async () => {
  await balancer.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
  if (PG) execFileSync('psql', [PG, '-qc', `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`]);
});

/** Opens `path` through the balancer on instance `name` and waits for hydration. */
async function openOn(page: import('@playwright/test').Page, name: Name, path: string): Promise<void> {
  balancer.target = name;
  await page.goto(`${PUBLIC}${path}`);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Signs a new person up on instance `name` (the helpers' `signUp` goes to the e2e server). */
async function signUpOn(page: import('@playwright/test').Page, name: Name, who: string, prefix: string): Promise<void> {
  await openOn(page, name, '/signup');
  await page.getByLabel('Name').fill(who);
  await page.getByLabel('Email').fill(uniqueEmail(prefix));
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(onPath('/settings/profile'));
}

test('a connect started on A completes on B, and both instances agree', async ({ page }) => {
  await signUpOn(page, 'A', 'Sam Two', 'two');

  await openOn(page, 'A', '/settings/applications');
  const card = providerCard(page, 'X');
  await cardReady(card);
  await card.getByRole('button', { name: 'Connect X' }).click();
  await expect(page).toHaveURL((url) => url.host === SANDBOX_ADDR);
  // The provider sends the browser back while the balancer points at B.
  balancer.target = 'B';
  balancer.served = [];
  await page.getByLabel(/Ada Lovelace/).check();
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await expect(page).toHaveURL(/localhost:\d+\/settings\/applications/);
  await expect(page.getByRole('status')).toContainText('Your X account is connected.');
  expect(balancer.served.find((s) => s.path.startsWith('/auth/x/callback'))?.name, 'the callback landed on B').toBe('B');

  await openOn(page, 'A', '/settings/applications');
  await expect(providerCard(page, 'X').getByText('Connected', { exact: true })).toBeVisible();
  await openOn(page, 'B', '/settings/applications');
  await expect(providerCard(page, 'X').getByText('Ada Lovelace', { exact: true })).toBeVisible();

  // Disconnected again on A, so the sandbox's person is free for the next tests.
  await openOn(page, 'A', '/settings/applications');
  await cardReady(providerCard(page, 'X'));
  await providerCard(page, 'X').getByText('Disconnect', { exact: true }).click();
  await providerCard(page, 'X').getByRole('button', { name: 'Yes, disconnect X' }).click();
  await expect(page.getByRole('status')).toHaveText('Your X account is disconnected.');

  // Signing out on B ends the session on A.
  await openOn(page, 'B', '/settings/applications');
  await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`^${PUBLIC}/(signin)?$`));
  balancer.target = 'A';
  await page.goto(`${PUBLIC}/settings/applications`);
  await expect(page).toHaveURL(/\/signin\?next=/);
});

test("an admin's change on A is offered on B at once", async ({ browser, page }) => {
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await openOn(adminPage, 'A', '/signin?next=/admin/social-apps');
  await signIn(adminPage, admin.email, admin.password);
  await expect(adminPage).toHaveURL(onPath('/admin/social-apps'));
  await expect(adminPage.locator('body[data-hydrated="true"]')).toHaveCount(1);

  await signUpOn(page, 'B', 'Kim Two', 'two-kim');

  const setFacebook = async (offered: boolean) => {
    balancer.target = 'A';
    const card = providerCard(adminPage, 'Facebook');
    await cardReady(card);
    const box = card.getByLabel('Offer Facebook to users');
    if (offered) await box.check(); else await box.uncheck();
    await card.getByRole('button', { name: 'Save Facebook' }).click();
    await expect(card.getByText('Facebook settings saved.')).toBeVisible();
  };
  const connectOnB = () => providerCard(page, 'Facebook').getByRole('button', { name: 'Connect Facebook' });

  await openOn(page, 'B', '/settings/applications');
  await expect(connectOnB()).toBeVisible();
  await setFacebook(false);
  await openOn(page, 'B', '/settings/applications');
  await expect(providerCard(page, 'X')).toBeVisible();
  await expect(connectOnB()).toHaveCount(0);
  await setFacebook(true);
  await openOn(page, 'B', '/settings/applications');
  await expect(connectOnB()).toBeVisible();
  await adminContext.close();
});
