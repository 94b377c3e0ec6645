//! The test harness: the production router on 127.0.0.1:0 over a fresh database (a SQLite file,
//! or a new PostgreSQL database when `TEST_DATABASE_URL` is set), driven over real HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use app::db::entities::connected_account;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use tokio::sync::oneshot;

use server::config::Config;

mod client;
mod connect_flow;
pub mod sandbox_harness;
pub mod sessions;

pub use client::*;

/// Runs each named `async fn name(app: TestApp)` once on SQLite and once on PostgreSQL (the
/// PostgreSQL run needs `TEST_DATABASE_URL`; `.ci/run` sets it). With `env = VARS;` first, the
/// apps also get those environment variables (`&[(&str, &str)]`, over the harness's own; a
/// path from inside the generated modules, e.g. `super::LIMITS`).
#[macro_export]
macro_rules! db_tests {
    (env = $env:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::common::TestApp::sqlite_with($env).await).await
            }
            )*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                match $crate::common::TestApp::postgres_with($env).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("TEST_DATABASE_URL is not set: PostgreSQL run skipped"),
                }
            }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        $crate::db_tests!(env = &[]; $($name),*);
    };
}

/// Removes the test's database when the test ends, even when it fails.
enum DbGuard {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(db) = Database::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                            let _ = db
                                .execute(Statement::from_string(db.get_database_backend(), sql))
                                .await;
                            let _ = db.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// The provider timeout of test apps, in milliseconds.
pub const PROVIDER_TIMEOUT_MS: u64 = 1_000;

/// A running app and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:{port}`, also the app's `PUBLIC_URL`.
    pub base: String,
    /// The app's database, for checking what was (not) written.
    pub db: DatabaseConnection,
    /// The database URL the app uses (for running the CLI against it).
    pub database_url: String,
    /// The provider sandbox this app is wired to (its own port).
    pub sandbox: sandbox::Sandbox,
    /// The app's state, for calling server-side functions directly.
    pub state: app::state::AppState,
    /// The app's `SECRET_KEY` (for running the CLI against the same database).
    pub secret_key: String,
    /// Every SQL statement the app ran, in order (the test's own reads through `db` excluded).
    pub queries: QueryLog,
    shutdown: Option<oneshot::Sender<()>>,
    _guard: DbGuard,
}

/// The SQL statements an app ran, shared with its database connection's metric callback.
#[derive(Clone, Default)]
pub struct QueryLog(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl QueryLog {
    fn push(&self, sql: &str) {
        self.0.lock().unwrap().push(sql.to_owned());
    }

    /// Forgets what was logged so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    /// Every statement logged since the last `clear`, in order.
    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// The statements logged since the last `clear` that read or write `table`.
    pub fn on_table(&self, table: &str) -> Vec<String> {
        let quoted = format!("\"{table}\"");
        let log = self.0.lock().unwrap();
        log.iter()
            .filter(|sql| sql.contains(&quoted))
            .cloned()
            .collect()
    }
}

fn unique_name() -> String {
    format!(
        "orga_test_{}_{:x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

impl TestApp {
    /// An app over a fresh SQLite file.
    pub async fn sqlite() -> Self {
        Self::sqlite_with(&[]).await
    }

    /// An app over a fresh SQLite file, with these environment variables too.
    pub async fn sqlite_with(env: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(unique_name());
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
        Self::start(url, DbGuard::Sqlite(dir), env).await
    }

    /// An app over a fresh PostgreSQL database, or `None` without `TEST_DATABASE_URL`.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(&[]).await
    }

    /// [`TestApp::postgres`], with these environment variables too.
    pub async fn postgres_with(env: &[(&str, &str)]) -> Option<Self> {
        Self::postgres_through(|_| {}, env).await
    }

    /// [`TestApp::postgres_with`], with the app's database URL changed by `route` (a relay's
    /// port, say); the database itself is created and dropped directly.
    pub async fn postgres_through(
        route: impl FnOnce(&mut url::Url),
        env: &[(&str, &str)],
    ) -> Option<Self> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = unique_name();
        let admin = Database::connect(&admin_url)
            .await
            .expect("TEST_DATABASE_URL must be reachable");
        let sql = format!("CREATE DATABASE \"{name}\"");
        admin
            .execute(Statement::from_string(admin.get_database_backend(), sql))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&name);
        route(&mut url);
        Some(Self::start(url.to_string(), DbGuard::Postgres { admin_url, name }, env).await)
    }

    async fn start(database_url: String, guard: DbGuard, env: &[(&str, &str)]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let sandbox_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sandbox_url = format!("http://{}", sandbox_listener.local_addr().unwrap());
        let secret_key = app::crypto::SecretCipher::generate_key();
        let vars = [
            ("DATABASE_URL", database_url.clone()),
            ("PUBLIC_URL", base.clone()),
            ("BIND_ADDR", addr.to_string()),
            ("SANDBOX_URL", sandbox_url.clone()),
            ("SECRET_KEY", secret_key.clone()),
            // Short, so that a test of a slow provider takes about a second.
            ("PROVIDER_TIMEOUT_MS", PROVIDER_TIMEOUT_MS.to_string()),
        ];
        // Every test client is 127.0.0.1: no rate limit unless the test sets one.
        let unlimited = [
            "RATE_LIMIT_SIGN_IN",
            "RATE_LIMIT_SIGN_UP",
            "RATE_LIMIT_CONNECT",
            "RATE_LIMIT_CALLBACK",
            "RATE_LIMIT_ADMIN_SAVE",
        ]
        .map(|name| (name, "1000000/1".to_owned()));
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        let lookup = |k: &str| {
            env.iter()
                .chain(vars.iter())
                .chain(unlimited.iter())
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
        };
        let config = Config::from_lookup(lookup).unwrap();
        let mut state = server::prepare_state(&config).await.unwrap();
        let db = state.db.clone();
        let queries = QueryLog::default();
        let sink = queries.clone();
        state
            .db
            .set_metric_callback(move |info| sink.push(&info.statement.sql));
        let sandbox =
            sandbox::Sandbox::new(sandbox_url.parse().unwrap(), config.public_url.clone());
        tokio::spawn(sandbox::serve(sandbox_listener, sandbox.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(server::serve(listener, state.clone(), async move {
            let _ = rx.await;
        }));
        Self {
            base,
            db,
            database_url,
            sandbox,
            state,
            secret_key,
            queries,
            shutdown: Some(tx),
            _guard: guard,
        }
    }

    /// The state of another instance of the server on the same database (its own pool), as a
    /// second process behind a load balancer would have it.
    pub async fn another_instance(&self) -> app::state::AppState {
        let vars = [
            ("DATABASE_URL", self.database_url.clone()),
            ("PUBLIC_URL", self.base.clone()),
            ("SANDBOX_URL", self.sandbox.base_url().to_string()),
            ("SECRET_KEY", self.secret_key.clone()),
            ("PROVIDER_TIMEOUT_MS", PROVIDER_TIMEOUT_MS.to_string()),
        ];
        let config =
            Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .unwrap();
        server::prepare_state(&config).await.unwrap()
    }

    /// The user's link to `provider`.
    pub async fn link(&self, user_email: &str, provider: &str) -> connected_account::Model {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let user = app::db::entities::user::Entity::find()
            .filter(app::db::entities::user::Column::Email.eq(user_email))
            .one(&self.db)
            .await
            .unwrap()
            .expect("no such user");
        connected_account::Entity::find()
            .filter(connected_account::Column::UserId.eq(user.id))
            .filter(connected_account::Column::Provider.eq(provider_id(provider)))
            .one(&self.db)
            .await
            .unwrap()
            .expect("no such link")
    }

    /// A link's token of `kind` (`access_token`, `refresh_token`), opened.
    pub fn open_token(&self, link: &connected_account::Model, kind: &str) -> Option<String> {
        let sealed = match kind {
            "access_token" => Some(link.access_token.clone()),
            _ => link.refresh_token.clone(),
        }?;
        let owner = app::connections::tokens::TokenOwner::of(link);
        Some(
            self.state
                .cipher
                .open(&sealed, &app::connections::tokens::binding(owner, kind))
                .unwrap()
                .expose()
                .to_owned(),
        )
    }

    /// Waits until this instance keeps the providers' settings in memory: at once on SQLite,
    /// on PostgreSQL once its listener hears their changes.
    pub async fn settings_kept(&self) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !self.state.provider_settings.trusted() {
            assert!(
                std::time::Instant::now() < until,
                "the settings listener never subscribed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The statements one load of `path` ran, once `done` accepts them. A settings save by
    /// another test of the same binary makes every settings cache of the process forget, so
    /// the page is loaded up to ten times; the last load's statements are returned either way.
    /// Each load must show `shows`.
    pub async fn page_statements(
        &self,
        client: &reqwest::Client,
        path: &str,
        shows: &str,
        done: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let mut statements = Vec::new();
        for _ in 0..10 {
            self.queries.clear();
            let page = self.page(client, path).await;
            assert!(page.contains(shows), "{path}: {page}");
            statements = self.queries.all();
            if done(&statements) {
                break;
            }
        }
        statements
    }

    /// One round of the link-health job at `now`, on this instance.
    pub async fn health_round(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> app::connections::health::RoundReport {
        app::connections::health::run_round(&self.state, now, 100, 4)
            .await
            .unwrap()
    }

    /// Registers the sandbox's app for `provider` (as an admin would), enabled.
    pub async fn configure(&self, provider: &str) {
        use app::admin::configure::{configure_provider, input_from_row};
        let id = provider_id(provider);
        let row = app::connections::provider_store::load_row(&self.db, id)
            .await
            .unwrap();
        let input = self.sandbox.registration(input_from_row(&row));
        configure_provider(&self.db, &self.state.cipher, &input)
            .await
            .unwrap();
    }

    /// Changes `provider`'s stored scopes and endpoints as an admin would (checked, then saved).
    pub async fn change_settings(
        &self,
        provider: &str,
        change: impl FnOnce(&mut app::connections::ProviderSettings),
    ) {
        use app::admin::configure::{configure_provider, input_from_row};
        let id = app::connections::ProviderId::from_slug(provider).unwrap();
        let row = app::connections::provider_store::load_row(&self.db, id)
            .await
            .unwrap();
        let mut input = input_from_row(&row);
        change(&mut input.settings);
        // An admin moving endpoints to another host must enter the secret again.
        if row.client_secret.is_some() {
            input.client_secret = Some(sandbox::Sandbox::client_secret(id));
        }
        configure_provider(&self.db, &self.state.cipher, &input)
            .await
            .unwrap();
    }

    /// The one value `sql` selects (as column `v`), or `None` when it selects no row: every
    /// single-value read of the tests goes through here.
    pub async fn value<T: sea_orm::TryGetable>(&self, sql: &str) -> Option<T> {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one(Statement::from_string(backend, sql.to_owned()))
            .await
            .unwrap()?;
        Some(row.try_get::<T>("", "v").unwrap())
    }

    /// Number of rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        self.value(&format!("SELECT COUNT(*) AS v FROM {table}"))
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
