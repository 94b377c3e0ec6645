//! `bench-flows`: the part of `scripts/bench` that wrk cannot do — whole connect flows through
//! the provider sandbox, as browsers run them (docs/BENCHMARKS.md).
//!
//! - `setup`: signs a user up over HTTP, connects it to some providers and prints its session
//!   cookie (`orga_session=…`), for wrk's `-H 'Cookie: …'`.
//! - `sign-up`: N people sign up over HTTP; prints their session cookies, one a line.
//! - `run`: those people, each its own cookie jar, loop connect and disconnect for D seconds;
//!   prints flows/s, p50/p99 and every failure by kind, and a `RESULT key=value…` line for the
//!   script.

mod browser;
mod load;

use clap::{Parser, Subcommand};

use browser::Browser;

/// Simulated browsers against a running Orga Connect with its sandbox.
#[derive(Parser)]
struct Cli {
    /// The app's base URL (its PUBLIC_URL), loopback only.
    #[arg(long, default_value = "http://127.0.0.1:3900")]
    base: url::Url,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Signs a user up, connects it to `providers`, prints its session cookie.
    Setup {
        /// The new user's email.
        #[arg(long)]
        email: String,
        /// The sandbox person consenting (one not used by `run`'s people).
        #[arg(long, default_value = "tester-1000")]
        account: String,
        /// The providers to connect, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "x,google")]
        providers: Vec<String>,
    },
    /// Signs people up at once; prints their session cookies, one a line.
    SignUp(load::People),
    /// Simulated people looping connect/disconnect.
    Run(load::Options),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if !browser::is_loopback(&cli.base) {
        eprintln!("error: --base must be a loopback address, not {}", cli.base);
        return std::process::ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Setup {
            email,
            account,
            providers,
        } => setup(&cli.base, &email, &account, &providers).await,
        Command::SignUp(people) => load::sign_up(&cli.base, &people).await,
        Command::Run(options) => load::run(&cli.base, &options).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Signs up, connects each provider, prints the session cookie on stdout.
async fn setup(
    base: &url::Url,
    email: &str,
    account: &str,
    providers: &[String],
) -> Result<(), browser::Failure> {
    let browser = Browser::new(base.clone())?;
    browser.sign_up("Bench User", email).await?;
    for provider in providers {
        browser.connect(provider, account).await?;
    }
    println!("{}", browser.session_cookie()?);
    Ok(())
}
