//! `server`: runs Orga Connect, or one of its maintenance commands (`server --help`).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use server::cli::{Cli, Command};
use server::config::Config;

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
    let state = server::prepare_state(config).await?;
    if let (Some(addr), Some(url)) = (config.sandbox_addr, config.sandbox_url.clone()) {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let sandbox = server::sandbox::Sandbox::new(url.clone(), config.public_url.clone());
        tracing::info!(%addr, %url, "provider sandbox listening");
        if config.demo_mode {
            server::demo::configure_sandbox_providers(&state, &sandbox).await?;
        }
        tokio::spawn(async move {
            if let Err(err) = server::serve_sandbox(listener, sandbox).await {
                tracing::error!(error = %err, "provider sandbox stopped");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
    tracing::info!(addr = %config.bind_addr, public_url = %config.public_url, "listening");
    server::serve(listener, state, server::shutdown_signal()).await?;
    Ok(())
}
