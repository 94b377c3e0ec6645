//! Password hashing with argon2id, off the async workers.
//!
//! One argon2id verification takes tens of milliseconds of one core and 19 MiB. On an async
//! worker it would stall every other request that worker serves (a flood of sign-ins would
//! stall `/healthz`), so the work runs on Tokio's blocking pool, and at most one hash per core
//! at a time: a flood waits in the semaphore's queue instead of taking all the memory and CPU.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Hashes a password with argon2id and a fresh random salt.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    off_the_workers(move || hash_now(&password)).await?
}

/// Checks a password against a stored hash; a malformed hash counts as a mismatch.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    off_the_workers(move || verify_now(&password, &hash)).await
}

/// Verifies against a dummy hash, for an unknown email: it costs what a wrong password costs,
/// so the answer's timing does not tell whether the email has an account.
pub async fn verify_dummy(password: &str) -> Result<(), AppError> {
    let password = password.to_owned();
    off_the_workers(move || {
        verify_now(&password, dummy_hash());
    })
    .await
}

/// How many hashes run at once in this process: one per core.
fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Semaphore::new(cores)
    })
}

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = hashing_slots().acquire().await.map_err(|err| {
        tracing::error!(error = %err, "password hashing slots closed");
        AppError::Internal
    })?;
    tokio::task::spawn_blocking(work).await.map_err(|err| {
        tracing::error!(error = %err, "password hashing task failed");
        AppError::Internal
    })
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a real password").unwrap_or_default())
}
