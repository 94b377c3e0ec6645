//! `server`: runs Orga Connect, or one of its maintenance commands (`server --help`).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use server::cli::{Cli, Command};
use server::config::Config;

/// mimalloc rather than glibc's malloc: pages allocate many small strings on both cores at once,
/// and glibc's per-thread arenas kept hundreds of MiB after a burst (docs/BENCHMARKS.md). With
/// the `override` feature it also serves C's `malloc`: SQLite's allocations on sqlx's worker
/// threads had grown glibc arenas from 46 to 79 MiB serving Settings › Profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    server::telemetry::init(&config.log_filter);
    let result = match cli.command {
        None | Some(Command::Serve) => run_server(&config).await,
        Some(command) => server::cli::run(command, &matches, &config).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run_server(config: &Config) -> Result<(), server::StartError> {
    let mut state = server::prepare_state(config).await?;
    if let Some(addr) = config.bench_metrics_addr {
        server::bench_metrics::install(&mut state.db, addr).await?;
    }
    start_sandbox(config, &state).await?;
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
    tracing::info!(addr = %config.bind_addr, public_url = %config.public_url, "listening");
    println!("Orga Connect is running: open {}", config.public_url);
    let health = server::jobs::spawn_link_health(state.clone(), config.health);
    let cleanup = server::jobs::spawn_cleanup(state.clone(), config.cleanup_interval);
    server::serve(listener, state, server::shutdown_signal()).await?;
    if let Some(job) = health {
        job.abort();
    }
    cleanup.abort();
    Ok(())
}

/// Serves the provider sandbox when `SANDBOX_ADDR` is set, and configures demo mode.
#[cfg(feature = "sandbox")]
async fn start_sandbox(
    config: &Config,
    state: &app::state::AppState,
) -> Result<(), server::StartError> {
    let (Some(addr), Some(url)) = (config.sandbox_addr, config.sandbox_url.clone()) else {
        return Ok(());
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let public_url = config.public_url.clone();
    let sandbox = match config.sandbox_control_token.clone() {
        Some(token) => sandbox::Sandbox::with_control_token(url.clone(), public_url, token),
        None => sandbox::Sandbox::new(url.clone(), public_url),
    };
    tracing::info!(%addr, %url, control_token = sandbox.control_token(), "provider sandbox listening");
    println!(
        "provider sandbox control token: {}",
        sandbox.control_token()
    );
    if config.demo_mode {
        server::demo::configure_sandbox_providers(state, &sandbox).await?;
    }
    tokio::spawn(async move {
        if let Err(err) = sandbox::serve(listener, sandbox).await {
            tracing::error!(error = %err, "provider sandbox stopped");
        }
    });
    Ok(())
}

/// Without the sandbox compiled in, asking for it is a start-up error, not a silent no-op.
#[cfg(not(feature = "sandbox"))]
async fn start_sandbox(
    config: &Config,
    _state: &app::state::AppState,
) -> Result<(), server::StartError> {
    if config.sandbox_addr.is_some() || config.demo_mode {
        return Err(server::StartError::NoSandbox);
    }
    Ok(())
}
