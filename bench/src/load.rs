//! `sign-up`: N people sign up at once and their session cookies are printed, one a line.
//! `run`: each of those people loops connect → disconnect until the time is up; a cycle started
//! before the end is finished and counted. Two commands, so that the script measures the
//! server's CPU and statements over the loop alone, without the sign-ups' password hashing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::browser::{Browser, Failure};

/// Who signs up.
#[derive(clap::Args)]
pub struct People {
    /// How many (each later consents as sandbox person `tester-{i}`, so at most 998:
    /// `scripts/bench`'s setup takes `tester-999` and `tester-1000`).
    #[arg(long, default_value_t = 32)]
    users: usize,
    /// Makes this run's emails distinct from an earlier run's on the same database.
    #[arg(long, default_value = "run")]
    tag: String,
}

/// Whose loops, for how long.
#[derive(clap::Args)]
pub struct Options {
    /// A file of session cookies, one a line, as `sign-up` prints them: one person each.
    #[arg(long)]
    cookies: std::path::PathBuf,
    /// Seconds of connect/disconnect loops.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The providers, taken in turn by each person, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "x,google,facebook,instagram"
    )]
    providers: Vec<String>,
}

/// What one person measured.
#[derive(Default)]
struct Tally {
    /// (provider index, time) of each connect flow that succeeded.
    connects: Vec<(usize, Duration)>,
    disconnects: Vec<Duration>,
    /// Count and first example of each kind of failure.
    failures: BTreeMap<String, (u64, String)>,
}

impl Tally {
    fn fail(&mut self, failure: Failure) {
        let entry = self
            .failures
            .entry(failure.kind)
            .or_insert((0, failure.detail));
        entry.0 += 1;
    }

    fn merge(&mut self, other: Tally) {
        self.connects.extend(other.connects);
        self.disconnects.extend(other.disconnects);
        for (kind, (n, detail)) in other.failures {
            self.failures.entry(kind).or_insert((0, detail)).0 += n;
        }
    }
}

/// Signs the people up at once and prints their session cookies, one a line.
pub async fn sign_up(base: &url::Url, people: &People) -> Result<(), Failure> {
    let users = people.users.clamp(1, 998);
    let mut signing_up = Vec::with_capacity(users);
    for i in 1..=users {
        let browser = Browser::new(base.clone())?;
        let email = format!("flow-{}-{i}@bench.test", people.tag);
        signing_up.push(tokio::spawn(async move {
            browser.sign_up("Flow Person", &email).await?;
            browser.session_cookie()
        }));
    }
    for person in signing_up {
        println!("{}", join(person).await??);
    }
    Ok(())
}

/// Runs the loops and prints the report.
pub async fn run(base: &url::Url, options: &Options) -> Result<(), Failure> {
    let cookies = std::fs::read_to_string(&options.cookies).map_err(|e| Failure {
        kind: "cookies: unreadable".into(),
        detail: format!("{}: {e}", options.cookies.display()),
    })?;
    let mut browsers = Vec::new();
    for cookie in cookies.lines().filter(|l| !l.trim().is_empty()).take(998) {
        browsers.push(Browser::signed_in(base.clone(), cookie.trim())?);
    }
    let users = browsers.len();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let mut workers = Vec::with_capacity(users);
    for (i, browser) in browsers.into_iter().enumerate() {
        let providers = options.providers.clone();
        workers.push(tokio::spawn(async move {
            loop_flows(
                browser,
                &format!("tester-{}", i + 1),
                &providers,
                i,
                deadline,
            )
            .await
        }));
    }
    let mut total = Tally::default();
    for worker in workers {
        total.merge(join(worker).await?);
    }
    report(&total, started.elapsed(), &options.providers);
    Ok(())
}

async fn join<T>(task: tokio::task::JoinHandle<T>) -> Result<T, Failure> {
    task.await.map_err(|e| Failure {
        kind: "task: panicked".into(),
        detail: e.to_string(),
    })
}

/// One person's loop. Person `i` starts at provider `i`, so all providers are busy at once.
async fn loop_flows(
    browser: Browser,
    account: &str,
    providers: &[String],
    i: usize,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut turn = i;
    while Instant::now() < deadline && !providers.is_empty() {
        let index = turn % providers.len();
        let provider = &providers[index];
        turn += 1;
        let start = Instant::now();
        match browser.connect(provider, account).await {
            Ok(()) => tally.connects.push((index, start.elapsed())),
            Err(failure) => tally.fail(failure),
        }
        // Disconnect even after a failed connect, so the next turn starts from no link.
        let start = Instant::now();
        match browser.disconnect(provider).await {
            Ok(()) => tally.disconnects.push(start.elapsed()),
            Err(failure) => tally.fail(failure),
        }
    }
    tally
}

/// The `q`-quantile of sorted `times` (nearest rank), in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

/// `count  rate/s  p50  p99` of one kind of flow.
fn line(name: &str, times: &mut [Duration], secs: f64) -> (f64, f64, f64) {
    times.sort_unstable();
    let rate = times.len() as f64 / secs;
    let (p50, p99) = (quantile_ms(times, 0.50), quantile_ms(times, 0.99));
    println!(
        "{name:<12} {:>7} done  {rate:>8.1}/s  p50 {p50:>7.2} ms  p99 {p99:>7.2} ms",
        times.len()
    );
    (rate, p50, p99)
}

fn report(total: &Tally, elapsed: Duration, providers: &[String]) {
    let secs = elapsed.as_secs_f64().max(f64::EPSILON);
    println!("connect/disconnect loops for {secs:.1} s");
    let mut all: Vec<Duration> = total.connects.iter().map(|(_, d)| *d).collect();
    let (connect_rate, connect_p50, connect_p99) = line("connect", &mut all, secs);
    for (index, provider) in providers.iter().enumerate() {
        let mut own: Vec<Duration> = total
            .connects
            .iter()
            .filter(|(i, _)| *i == index)
            .map(|(_, d)| *d)
            .collect();
        line(&format!("  {provider}"), &mut own, secs);
    }
    let mut disconnects = total.disconnects.clone();
    let (disc_rate, disc_p50, disc_p99) = line("disconnect", &mut disconnects, secs);
    let failures: u64 = total.failures.values().map(|(n, _)| n).sum();
    println!("failures     {failures:>7}");
    for (kind, (n, detail)) in &total.failures {
        println!("  {n:>7}  {kind}  e.g. {detail}");
    }
    println!(
        "RESULT connects={} connect_per_s={connect_rate:.1} connect_p50_ms={connect_p50:.2} \
         connect_p99_ms={connect_p99:.2} disconnects={} disconnect_per_s={disc_rate:.1} \
         disconnect_p50_ms={disc_p50:.2} disconnect_p99_ms={disc_p99:.2} failures={failures}",
        total.connects.len(),
        total.disconnects.len()
    );
}
