//! The growing lockout of an email after failed sign-ins.
//!
//! The per-client rate limit stops one address; this stops many addresses guessing one
//! account's password. It is kept in the database, so that it holds across instances. Every
//! email is counted, with or without an account, and a locked email is refused before any
//! password is checked: the answer (429, its words, its timing) is the same for both, so the
//! lockout cannot tell whether an email has an account. A locked owner is refused too, even
//! with the right password, or the lockout would not stop the guessing; it lasts at most
//! `LockoutPolicy::max`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::crypto::sha256_hex;
use crate::db::entities::sign_in_failure::{self, Column, Entity};
use crate::db::entities::user;
use crate::error::AppError;
use crate::limits::LockoutPolicy;

/// Signs in `email` (normalised) with `password`, unless the email is locked; counts a wrong
/// password towards the lockout and forgets the failures after a right one.
pub async fn authenticate_throttled(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    email: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let key = sha256_hex(email);
    refuse_if_locked(db, &key, Utc::now()).await?;
    match super::users::authenticate(db, email, password).await {
        Ok(user) => {
            Entity::delete_by_id(key).exec(db).await?;
            Ok(user)
        }
        Err(AppError::InvalidCredentials) => {
            note_failure(db, policy, &key, Utc::now()).await?;
            Err(AppError::InvalidCredentials)
        }
        Err(other) => Err(other),
    }
}

/// `TooManyRequests` while the email is locked at `now`.
async fn refuse_if_locked(
    db: &DatabaseConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let locked_until = Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .and_then(|row| row.locked_until)
        .filter(|until| *until > now);
    match locked_until {
        Some(until) => Err(AppError::TooManyRequests {
            retry_after_secs: seconds_until(now, until),
        }),
        None => Ok(()),
    }
}

/// Counts one failure, atomically (concurrent guesses each count), and locks the email when
/// the count calls for it.
async fn note_failure(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Failures older than `forget_after` start the count again.
    let stale = now - policy.forget_after;
    let count = Expr::case(
        Expr::col((Entity, Column::LastFailedAt)).lt(stale),
        Expr::val(1),
    )
    .finally(Expr::col((Entity, Column::Failures)).add(1));
    Entity::insert(sign_in_failure::ActiveModel {
        email_hash: Set(key.to_owned()),
        failures: Set(1),
        last_failed_at: Set(now),
        locked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(Column::EmailHash)
            .value(Column::Failures, count)
            .value(Column::LastFailedAt, Expr::val(now))
            .to_owned(),
    )
    .exec(db)
    .await?;
    let failures = Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map_or(1, |row| row.failures);
    let lockout = policy.lockout_after(u32::try_from(failures).unwrap_or(u32::MAX));
    if let Some(lockout) = lockout {
        Entity::update_many()
            .col_expr(Column::LockedUntil, Expr::value(now + lockout))
            .filter(Column::EmailHash.eq(key))
            .exec(db)
            .await?;
        tracing::warn!(
            failures,
            lockout_secs = lockout.num_seconds(),
            "sign-in locked for an email"
        );
    }
    Ok(())
}

/// Deletes the counts nobody has added to since `policy.forget_after` (the clean-up job).
pub async fn forget_old_failures(
    db: &DatabaseConnection,
    policy: &LockoutPolicy,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let deleted = Entity::delete_many()
        .filter(Column::LastFailedAt.lt(now - policy.forget_after))
        .filter(
            Column::LockedUntil
                .is_null()
                .or(Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Whole seconds from `now` to `until`, rounded up.
fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> u64 {
    let millis = (until - now).num_milliseconds().max(0);
    u64::try_from(millis).unwrap_or(0).div_ceil(1000).max(1)
}
