//! Faults: the server killed in the middle of a connect, the database going away and coming
//! back. (A provider that streams a huge body: `huge_bodies.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use app::connections::ProviderId;
use common::{TestApp, expect_status};
use reqwest::StatusCode;
use sandbox::{Endpoint, Fault};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

db_tests!(a_server_killed_between_token_exchange_and_commit_leaves_no_half_link);

/// A second instance of the server as its own process (the binary built with the tests), on
/// the same database and sandbox as `app`, answering for `app`'s public URL as an instance
/// behind a load balancer does.
struct Instance {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Instance {
    async fn start(app: &TestApp) -> Self {
        let addr = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap()
        };
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &app.database_url)
            .env("PUBLIC_URL", &app.base)
            .env("BIND_ADDR", addr.to_string())
            .env("SANDBOX_URL", app.sandbox.base_url().as_str())
            .env("SECRET_KEY", &app.secret_key)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let instance = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "the second instance did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        instance
    }

    /// `url` (one of `app`'s) sent to this instance, with `app`'s host as the balancer keeps it.
    fn request(&self, client: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
        let url = url::Url::parse(url).unwrap();
        let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let mut here = url.clone();
        here.set_port(Some(self.addr.port())).unwrap();
        client.get(here).header("Host", host)
    }

    /// SIGKILL: no shutdown, no cleanup, as when the machine dies.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn a_server_killed_between_token_exchange_and_commit_leaves_no_half_link(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Ada", "ada@example.com").await;
    let authorize = {
        let res = client
            .post(format!("{}/auth/x/connect", app.base))
            .header("Origin", &app.base)
            .send()
            .await
            .unwrap();
        url::Url::parse(common::location(res.headers()).unwrap()).unwrap()
    };
    let callback = app.decide(&client, &authorize, "ada", "allow").await;

    // The callback lands on the other instance, which exchanges the code and then waits on
    // the profile; it is killed there, with the tokens issued and nothing committed.
    app.sandbox.set_fault(
        ProviderId::X,
        Endpoint::Profile,
        Fault::Delay(Duration::from_secs(30)),
    );
    let instance = Instance::start(&app).await;
    let pending = tokio::spawn(instance.request(&client, &callback).send());
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.sandbox.live_tokens(ProviderId::X, "ada") == 0 {
        assert!(Instant::now() < deadline, "the code was never exchanged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    instance.kill();
    assert!(
        pending.await.unwrap().is_err(),
        "the connection died with the process"
    );
    app.sandbox.clear_faults();

    assert_eq!(app.count("connected_accounts").await, 0, "no half link");
    assert_eq!(
        app.count("oauth_states").await,
        0,
        "the flow was spent before the exchange"
    );

    // Restarted, the instance serves; the spent callback is refused and writes nothing.
    let restarted = Instance::start(&app).await;
    let replay = restarted.request(&client, &callback).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let page = replay.text().await.unwrap();
    assert!(page.contains("was already used"), "{page}");
    assert_eq!(app.count("connected_accounts").await, 0);
    drop(restarted);

    // The person simply connects again.
    let res = app.connect(&client, "x", "ada", "allow").await;
    assert_eq!(app.outcome(&client, res).await, "x:connected");
    assert_eq!(app.count("connected_accounts").await, 1);
}

/// A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused)
/// and restored: the database going away and coming back, as a restart or a network
/// partition does.
#[derive(Clone)]
struct Relay {
    up: Arc<AtomicBool>,
    cut: Arc<tokio::sync::Notify>,
    port: u16,
}

impl Relay {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = Self {
            up: Arc::new(AtomicBool::new(true)),
            cut: Arc::new(tokio::sync::Notify::new()),
            port: listener.local_addr().unwrap().port(),
        };
        let this = relay.clone();
        tokio::spawn(async move {
            let mut links = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((mut inbound, _)) = accepted else { continue };
                        if !this.up.load(Ordering::SeqCst) {
                            continue; // dropped: connection refused in effect
                        }
                        let upstream = upstream.clone();
                        links.spawn(async move {
                            if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            }
                        });
                    }
                    () = this.cut.notified() => links.abort_all(),
                }
            }
        });
        relay
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_one();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Waits until `/healthz` answers `status`, at most 15 s.
async fn health_becomes(app: &TestApp, status: StatusCode) -> Duration {
    let started = Instant::now();
    loop {
        let res = app.get(&app.client(), "/healthz").await;
        if res.status() == status {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "/healthz stayed {}",
            res.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// PostgreSQL only: a SQLite file cannot go away while the process has it open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_recovers_without_a_restart() {
    let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("TEST_DATABASE_URL is not set: the database-outage test is skipped");
        return;
    };
    let upstream = {
        let url = url::Url::parse(&admin_url).unwrap();
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
    };
    let relay = Relay::start(upstream).await;
    let app = TestApp::postgres_through(|url| url.set_port(Some(relay.port)).unwrap(), &[])
        .await
        .unwrap();
    let client = app.signed_up("Ada", "ada@example.com").await;
    expect_status(
        app.get(&client, "/settings/applications").await,
        StatusCode::OK,
    )
    .await;

    relay.cut();
    let noticed = health_becomes(&app, StatusCode::SERVICE_UNAVAILABLE).await;
    let res = app.get(&client, "/settings/applications").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "30");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("cannot reach its database just now"),
        "{page}"
    );
    let call = app.call(&client, "list_applications", &[]).await;
    assert_eq!(call.status(), StatusCode::SERVICE_UNAVAILABLE);

    relay.restore();
    let recovered = health_becomes(&app, StatusCode::OK).await;
    let page = expect_status(
        app.get(&client, "/settings/applications").await,
        StatusCode::OK,
    )
    .await;
    assert!(page.contains("Ada"), "still signed in after the outage");
    eprintln!(
        "outage noticed in {noticed:?}, recovered {recovered:?} after the database came back"
    );
}
