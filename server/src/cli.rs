//! The server's command line: serve (the default), migrations and admin accounts. Passwords are
//! read from stdin, never from arguments, which other users can see in the process list.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};

use app::accounts::server::{NewUser, create_user, promote_to_admin};
use app::accounts::validate::{check_new_password, clean_name, normalize_email, split_name};

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
            let new = NewUser { email: &email, password: &password, first_name: &first_name, last_name: &last_name, admin: true };
            let user = create_user(&db, new).await?;
            println!("Administrator {} created (id {}).", user.email, user.id);
        }
        Command::Promote { email } => {
            Migrator::up(&db, None).await?;
            let user = promote_to_admin(&db, &normalize_email(&email)?).await?;
            println!("{} is now an administrator.", user.email);
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
