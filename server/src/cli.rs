//! The server's command line: serve (the default), migrations and admin accounts. Passwords are
//! read from stdin, never from arguments, which other users can see in the process list.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};

use app::accounts::server::{NewUser, create_user, promote_to_admin};
use app::accounts::validate::{check_new_password, clean_name, normalize_email, split_name};
use app::admin::settings::{SettingsInput, admin_view, load_row, load_rows, save};
use app::connections::ProviderId;
use app::error::AppError;

use crate::StartError;
use crate::config::Config;

/// Orga Connect server.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply pending database migrations, or roll back the last one.
    Migrate {
        /// Roll back the most recent migration instead.
        #[arg(long)]
        down: bool,
    },
    /// Create an administrator; the password is read from stdin.
    CreateAdmin {
        /// Sign-in email address.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
    },
    /// Make an existing user an administrator.
    Promote {
        /// The user's email address.
        #[arg(long)]
        email: String,
    },
    /// Show or change the social providers' settings (for deployments managed as code).
    Provider {
        /// What to do.
        #[command(subcommand)]
        action: ProviderAction,
    },
}

/// `server provider …`.
#[derive(Debug, Subcommand)]
pub enum ProviderAction {
    /// List every provider's settings (secrets are only said to be set).
    List,
    /// Change one provider's settings; options not given keep their current value. The client
    /// secret comes from stdin (`--client-secret-stdin`) or `PROVIDER_CLIENT_SECRET`, never argv.
    Set(Box<ProviderSet>),
}

/// The options of `server provider set`.
#[derive(Debug, clap::Args)]
pub struct ProviderSet {
    /// facebook, x, instagram or google.
    pub provider: String,
    /// Offer the provider to users.
    #[arg(long)]
    pub enabled: Option<bool>,
    /// The app's client id.
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the client secret from the first line of stdin.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Scopes.
    #[arg(long)]
    pub scopes: Option<String>,
    /// Authorization endpoint.
    #[arg(long)]
    pub authorize_url: Option<String>,
    /// Token endpoint.
    #[arg(long)]
    pub token_url: Option<String>,
    /// Profile endpoint.
    #[arg(long)]
    pub profile_url: Option<String>,
    /// Revocation endpoint ("" for none).
    #[arg(long)]
    pub revoke_url: Option<String>,
    /// Graph API version (Facebook, Instagram).
    #[arg(long)]
    pub graph_version: Option<String>,
    /// OpenID Connect issuer (Google).
    #[arg(long)]
    pub issuer: Option<String>,
}

/// Runs a non-serving command against the configured database.
pub async fn run(command: Command, config: &Config) -> Result<(), StartError> {
    let db = crate::database::connect(&config.database_url).await?;
    match command {
        Command::Serve => {}
        Command::Migrate { down: false } => {
            Migrator::up(&db, None).await?;
            println!("Migrations applied.");
        }
        Command::Migrate { down: true } => {
            Migrator::down(&db, Some(1)).await?;
            println!("Rolled back one migration.");
        }
        Command::CreateAdmin { email, name } => {
            Migrator::up(&db, None).await?;
            let email = normalize_email(&email)?;
            let name = clean_name("name", &name, true)?;
            let password = read_password()?;
            check_new_password(&password)?;
            let (first_name, last_name) = split_name(&name);
            let new = NewUser {
                email: &email,
                password: &password,
                first_name: &first_name,
                last_name: &last_name,
                admin: true,
            };
            let user = create_user(&db, new).await?;
            println!("Administrator {} created (id {}).", user.email, user.id);
        }
        Command::Promote { email } => {
            Migrator::up(&db, None).await?;
            let user = promote_to_admin(&db, &normalize_email(&email)?).await?;
            println!("{} is now an administrator.", user.email);
        }
        Command::Provider { action } => {
            Migrator::up(&db, None).await?;
            run_provider(action, &db, config).await?;
        }
    }
    Ok(())
}

async fn run_provider(
    action: ProviderAction,
    db: &sea_orm::DatabaseConnection,
    config: &Config,
) -> Result<(), StartError> {
    match action {
        ProviderAction::List => {
            for (provider, row) in load_rows(db).await? {
                let view = admin_view(
                    &row,
                    provider,
                    &config.public_url,
                    config.sandbox_url.as_ref(),
                );
                println!(
                    "{:<10} {:<12} client_id={:?} secret={} redirect_uri={}",
                    provider.slug(),
                    if view.offered {
                        "offered"
                    } else if view.enabled {
                        "incomplete"
                    } else {
                        "disabled"
                    },
                    view.client_id,
                    if view.secret_set { "set" } else { "unset" },
                    view.redirect_uri
                );
            }
        }
        ProviderAction::Set(set) => {
            let provider = ProviderId::from_slug(&set.provider).ok_or_else(|| {
                AppError::invalid(
                    "provider",
                    format!(
                        "unknown provider {:?}: use facebook, x, instagram or google",
                        set.provider
                    ),
                )
            })?;
            let row = load_row(db, provider).await?;
            let secret = if set.client_secret_stdin {
                Some(read_password()?)
            } else {
                std::env::var("PROVIDER_CLIENT_SECRET").ok()
            };
            let current = SettingsInput::from_row(&row);
            let input = SettingsInput {
                enabled: set.enabled.unwrap_or(current.enabled),
                client_id: set.client_id.unwrap_or(current.client_id),
                client_secret: secret,
                scopes: set.scopes.unwrap_or(current.scopes),
                authorize_url: set.authorize_url.unwrap_or(current.authorize_url),
                token_url: set.token_url.unwrap_or(current.token_url),
                profile_url: set.profile_url.unwrap_or(current.profile_url),
                revoke_url: set.revoke_url.unwrap_or(current.revoke_url),
                graph_version: set.graph_version.unwrap_or(current.graph_version),
                issuer: set.issuer.unwrap_or(current.issuer),
            };
            let cipher = crate::load_cipher(config)?;
            let saved = save(db, &cipher, provider, input).await?;
            println!(
                "{} saved ({}).",
                provider.label(),
                if saved.enabled { "enabled" } else { "disabled" }
            );
        }
    }
    Ok(())
}

/// One line from stdin, without its line ending; prompts when stdin is a terminal.
fn read_password() -> std::io::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (input is shown; pipe it in to hide it): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
