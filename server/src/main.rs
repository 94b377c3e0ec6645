//! `server`: runs Orga Connect, or one of its maintenance commands (`server --help`).

use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Some(command) => server::cli::run(command, &config).await,
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
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
    tracing::info!(addr = %config.bind_addr, public_url = %config.public_url, "listening");
    server::serve(listener, state, server::shutdown_signal()).await?;
    Ok(())
}
