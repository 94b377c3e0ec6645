// `cargo leptos end-to-end` starts the server and Playwright at the same time: wait until the
// app answers its health check and the provider sandbox lists its endpoints, check the control
// token by clearing the sandbox's faults, then create the administrator the tests sign in as,
// with the server's own CLI (password on stdin) against the same database.
import { execFileSync } from 'node:child_process';
import { ADMIN, serverBinary } from './tests/helpers';
import { SANDBOX, clearFaults } from './tests/providers';

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms: ${lastError}`);
}

export default async function globalSetup(): Promise<void> {
  const port = process.env.E2E_PORT ?? '3800';
  await waitFor(`http://127.0.0.1:${port}/healthz`, 180_000);
  await waitFor(`${SANDBOX}/_sandbox/endpoints`, 30_000);
  await clearFaults();
  execFileSync(serverBinary(), ['create-admin', '--email', ADMIN.email, '--name', ADMIN.name], {
    input: `${ADMIN.password}\n`,
    env: process.env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
}
