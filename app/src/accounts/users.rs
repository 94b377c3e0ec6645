//! Accounts in the database: creating, finding, promoting and authenticating users, and
//! changing a password.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};

use super::UserView;
use super::passwords::{hash_password, verify_dummy, verify_password};
use super::sessions::end_other_sessions;
use super::validate::{MAX_PASSWORD_LEN, check_new_password_in};
use crate::db::entities::user::{self, Role};
use crate::error::AppError;

impl From<&user::Model> for UserView {
    fn from(u: &user::Model) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            avatar_url: u.avatar_url.clone(),
            is_admin: u.is_admin(),
        }
    }
}

/// What is needed to create an account.
pub struct NewUser<'a> {
    /// Already normalised email.
    pub email: &'a str,
    /// Plain password (checked for length by the caller).
    pub password: &'a str,
    /// Given name.
    pub first_name: &'a str,
    /// Family name.
    pub last_name: &'a str,
    /// What the account may do.
    pub role: Role,
}

/// Creates an account; a taken email is `AppError::EmailTaken` and writes nothing.
pub async fn create_user(
    db: &DatabaseConnection,
    new: NewUser<'_>,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    let row = user::ActiveModel {
        email: Set(new.email.to_owned()),
        password_hash: Set(hash_password(new.password).await?),
        role: Set(new.role),
        first_name: Set(new.first_name.to_owned()),
        last_name: Set(new.last_name.to_owned()),
        avatar_url: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AppError::EmailTaken)
        }
        Err(err) => Err(err.into()),
    }
}

/// Finds a user by (normalised) email.
pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// Makes an existing user an administrator.
pub async fn promote_to_admin(
    db: &DatabaseConnection,
    email: &str,
) -> Result<user::Model, AppError> {
    let found = find_by_email(db, email).await?.ok_or(AppError::NotFound)?;
    let mut active: user::ActiveModel = found.into();
    active.role = Set(Role::Admin);
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// The user for an email and password, or `InvalidCredentials` without saying which was wrong.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    match find_by_email(db, email).await? {
        Some(found) if verify_password(password, &found.password_hash).await? => Ok(found),
        Some(_) => Err(AppError::InvalidCredentials),
        None => {
            verify_dummy(password).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// The user `user_id` if `password` is theirs; otherwise an error on the form field `field`.
/// Asked again before a password change or an account deletion, so that a session left open
/// on someone else's screen cannot do either.
pub async fn confirm_password(
    db: &DatabaseConnection,
    user_id: i64,
    field: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let found = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    // Longer than any password we accept: not theirs, and not worth hashing.
    if password.len() <= 4 * MAX_PASSWORD_LEN
        && verify_password(password, &found.password_hash).await?
    {
        return Ok(found);
    }
    let message = if password.is_empty() {
        "Enter your current password."
    } else {
        "That is not your current password."
    };
    Err(AppError::invalid(field, message))
}

/// Replaces the user's password after checking the current one (an error on
/// `current_password`) and the new one (on `new_password`; as at sign-up, and not the same),
/// and ends every other session of the user in the same transaction: whoever held one, with
/// the old password or a stolen cookie, must sign in again. `keep` is the current session's
/// key; the caller gives that session a new id.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i64,
    keep: &str,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    confirm_password(db, user_id, "current_password", current).await?;
    check_new_password_in("new_password", new)?;
    if new == current {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password different from your current one.",
        ));
    }
    // Hashed before the transaction: it takes a while, and SQLite has one writer.
    let hash = hash_password(new).await?;
    let txn = crate::db::begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let ended = end_other_sessions(&txn, user_id, keep).await?;
    txn.commit().await?;
    tracing::info!(user_id, ended, "password changed");
    Ok(())
}
