//! The server's command line: serve (the default), migrations, admin accounts, provider
//! settings and re-sealing secrets under a new key. Passwords are
//! read from stdin, never from arguments, which other users can see in the process list.

use std::io::{BufRead, IsTerminal, Write};

use clap::parser::ValueSource;
use clap::{ArgMatches, Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};

use app::accounts::users::{NewUser, create_user, promote_to_admin};
use app::accounts::validate::{check_new_password, clean_name, normalize_email, split_name};
use app::admin::ProviderSettingsInput;
use app::admin::configure::{admin_view, configure_provider_checked, input_from_row};
use app::admin::usage::connected_users_by_provider;
use app::connections::provider_store::{load_row, load_rows};
use app::connections::rekey::rekey_all;
use app::connections::{ProviderId, ProviderSettings};
use app::db::entities::user::Role;

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
    /// Re-seal every client secret and token under the current SECRET_KEY, after changing it
    /// with the former key in SECRET_KEY_OLD. Values already current are skipped, so it can be
    /// run again, or resumed after an interruption.
    Rekey {
        /// Links re-sealed per transaction.
        #[arg(long, default_value_t = 500)]
        batch_size: u64,
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
    pub provider: ProviderId,
    /// Offer the provider to users.
    #[arg(long)]
    pub enabled: Option<bool>,
    /// The app's client id.
    #[arg(long)]
    pub client_id: Option<String>,
    /// Read the client secret from the first line of stdin.
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Scopes and endpoints; each one not given keeps its stored value ("" clears it).
    #[command(flatten)]
    pub settings: ProviderSettings,
}

/// Runs a non-serving command against the configured database.
/// `matches` are the parsed command line, which tells the options given from the defaults.
pub async fn run(
    command: Command,
    matches: &ArgMatches,
    config: &Config,
) -> Result<(), StartError> {
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
                role: Role::Admin,
            };
            let user = create_user(&db, new).await?;
            println!("Administrator {} created (id {}).", user.email, user.id);
        }
        Command::Promote { email } => {
            Migrator::up(&db, None).await?;
            let user = promote_to_admin(&db, &normalize_email(&email)?).await?;
            println!("{} is now an administrator.", user.email);
        }
        Command::Rekey { batch_size } => {
            Migrator::up(&db, None).await?;
            rekey(&db, config, batch_size).await?;
        }
        Command::Provider { action } => {
            Migrator::up(&db, None).await?;
            let given = matches
                .subcommand_matches("provider")
                .and_then(|m| m.subcommand_matches("set"));
            run_provider(action, given, &db, config).await?;
        }
    }
    Ok(())
}

/// `server rekey`: progress on stderr after each batch, the counts on stdout; values no key
/// opens make it fail once everything else is done.
async fn rekey(
    db: &sea_orm::DatabaseConnection,
    config: &Config,
    batch_size: u64,
) -> Result<(), StartError> {
    let cipher = crate::load_cipher(config)?;
    let report = rekey_all(db, &cipher, batch_size, |so_far| {
        eprintln!(
            "rekey: {} re-sealed, {} already current so far",
            so_far.resealed, so_far.current
        );
    })
    .await?;
    println!(
        "Re-sealed {} value(s) under key {}; {} already current, {} changed meanwhile, {} unreadable.",
        report.resealed,
        cipher.current_key_id(),
        report.current,
        report.changed_meanwhile,
        report.unreadable
    );
    match report.unreadable {
        0 => Ok(()),
        n => Err(StartError::Unreadable(n)),
    }
}

async fn run_provider(
    action: ProviderAction,
    given: Option<&ArgMatches>,
    db: &sea_orm::DatabaseConnection,
    config: &Config,
) -> Result<(), StartError> {
    match action {
        ProviderAction::List => list_providers(db, config).await,
        ProviderAction::Set(set) => set_provider(*set, given, db, config).await,
    }
}

async fn list_providers(
    db: &sea_orm::DatabaseConnection,
    config: &Config,
) -> Result<(), StartError> {
    let site = config.site();
    let cipher = crate::load_cipher(config)?;
    let users = connected_users_by_provider(db).await?;
    for row in load_rows(db).await? {
        let count = users.get(&row.provider).copied().unwrap_or(0);
        let view = admin_view(&row, &cipher, &site, count);
        let status = match (view.offered, view.enabled) {
            (true, _) => "offered",
            (false, true) if view.left_by_demo => "demo-only",
            (false, true) => "incomplete",
            (false, false) => "disabled",
        };
        let secret = match (view.secret_set, view.secret_unreadable) {
            (_, true) => "unreadable",
            (true, false) => "set",
            (false, false) => "unset",
        };
        println!(
            "{:<10} {:<12} client_id={:?} secret={} users={} redirect_uri={}",
            row.provider.slug(),
            status,
            view.client_id,
            secret,
            view.connected_users,
            view.redirect_uri
        );
    }
    Ok(())
}

async fn set_provider(
    set: ProviderSet,
    given: Option<&ArgMatches>,
    db: &sea_orm::DatabaseConnection,
    config: &Config,
) -> Result<(), StartError> {
    let current = input_from_row(&load_row(db, set.provider).await?);
    let client_secret = if set.client_secret_stdin {
        Some(read_password()?)
    } else {
        std::env::var("PROVIDER_CLIENT_SECRET").ok()
    };
    let input = ProviderSettingsInput {
        enabled: set.enabled.unwrap_or(current.enabled),
        client_id: set.client_id.unwrap_or_else(|| current.client_id.clone()),
        client_secret,
        settings: given_over_stored(&current.settings, &set.settings, given),
        // `--enabled false` typed by an operator is the confirmation the admin page asks for.
        confirm_disable: true,
        ..current
    };
    let cipher = crate::load_cipher(config)?;
    let http = crate::provider_http_client(config.provider_timeout)?;
    let saved = configure_provider_checked(db, &cipher, &http, &input).await?;
    println!(
        "{} saved ({}).",
        set.provider.label(),
        if saved.enabled { "enabled" } else { "disabled" }
    );
    Ok(())
}

/// The settings options given on the command line over the stored settings. clap fills every
/// option of the flattened `ProviderSettings` (with "" when absent), so whether one was given
/// is asked of the parsed command line, by the option's name (its field name).
fn given_over_stored(
    stored: &ProviderSettings,
    given: &ProviderSettings,
    matches: Option<&ArgMatches>,
) -> ProviderSettings {
    let (Ok(serde_json::Value::Object(mut merged)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(stored), serde_json::to_value(given))
    else {
        return stored.clone();
    };
    for (name, value) in new {
        let on_command_line = matches.is_some_and(|m| {
            m.try_get_raw(&name).is_ok() && m.value_source(&name) == Some(ValueSource::CommandLine)
        });
        if on_command_line {
            merged.insert(name, value);
        }
    }
    serde_json::from_value(serde_json::Value::Object(merged)).unwrap_or_else(|_| stored.clone())
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
