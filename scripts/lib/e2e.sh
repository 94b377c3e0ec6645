# Sourced by ./scripts/test (debug build) and ./scripts/release-smoke (release build): the
# environment a server under Playwright runs in, with a database of its own, and how to know
# Playwright really ran.

# e2e_env PORT: a fresh database (PostgreSQL when TEST_DATABASE_URL is set, else SQLite), removed
# on exit, and the variables the server, the sandbox and Playwright read. The app on PORT, the
# sandbox on PORT+1.
e2e_env() {
  e2e_dir=$(mktemp -d)
  e2e_db=""
  trap e2e_cleanup EXIT
  if [ -n "${TEST_DATABASE_URL:-}" ]; then
    e2e_db="orga_e2e_$$_$(date +%s)"
    psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE \"$e2e_db\"" >/dev/null
    export DATABASE_URL="${TEST_DATABASE_URL%/*}/$e2e_db"
  else
    export DATABASE_URL="sqlite://$e2e_dir/e2e.db?mode=rwc"
  fi
  # The app on "localhost", the provider sandbox on "127.0.0.1": two sites, as with real providers.
  export E2E_PORT="$1"
  export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT}"
  export PUBLIC_URL="http://localhost:${E2E_PORT}"
  export SANDBOX_ADDR="127.0.0.1:$((E2E_PORT + 1))"
  export SANDBOX_URL="http://${SANDBOX_ADDR}"
  # A key of the run's own: with PostgreSQL the server never generates one (instances share it).
  SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
  export SECRET_KEY
  export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
  # Every browser of the suite is one client (127.0.0.1): per-client rate limits that a real
  # visitor never meets, but well above what the suite sends (server/tests/abuse.rs tests them).
  export RATE_LIMIT_SIGN_IN=1000/60 RATE_LIMIT_SIGN_UP=1000/60 RATE_LIMIT_CONNECT=1000/60
  export RATE_LIMIT_CALLBACK=1000/60 RATE_LIMIT_ADMIN_SAVE=1000/60
  # The link-health job every second, re-reading each link 3 s after its last check, so that a
  # grant removed at the provider shows on its card within seconds.
  export HEALTH_INTERVAL_SECS=1 HEALTH_RECHECK_SECS=3
  # The sandbox's control routes demand this token; Playwright reads it from the same variable.
  export SANDBOX_CONTROL_TOKEN="${SANDBOX_CONTROL_TOKEN:-$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
}

e2e_cleanup() {
  rm -rf "$e2e_dir"
  if [ -n "$e2e_db" ]; then
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$e2e_db\" WITH (FORCE)" >/dev/null || true
  fi
}

# e2e_passed REPORT: `cargo leptos end-to-end` exits 0 when the build fails before Playwright
# starts, so trust only Playwright's own JSON report.
e2e_passed() {
  node -e '
    const fs = require("fs");
    const file = process.argv[1];
    if (!fs.existsSync(file)) { console.error("Playwright did not run (no " + file + ")"); process.exit(1); }
    const { stats } = JSON.parse(fs.readFileSync(file, "utf8"));
    console.error(`Playwright: ${stats.expected} passed, ${stats.unexpected} failed, ${stats.flaky} flaky, ${stats.skipped} skipped`);
    process.exit(stats.unexpected === 0 && stats.expected > 0 ? 0 : 1);
  ' "$1"
}
