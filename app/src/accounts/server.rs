//! Server-side account logic: passwords, the session's user, and the guards every protected
//! server function starts with.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};
use tower_sessions::Session;

use super::UserView;
use crate::db::entities::user::{self, ROLE_ADMIN, ROLE_USER};
use crate::error::AppError;
use crate::state::AppState;

/// The session key under which the signed-in user's id is kept.
pub const SESSION_USER_ID: &str = "user_id";

/// Hashes a password with argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored hash; a malformed hash counts as a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the email is unknown, so that both cases take as long.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

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
    /// Whether the account is an administrator.
    pub admin: bool,
}

/// Creates an account; a taken email is `AppError::EmailTaken` and writes nothing.
pub async fn create_user(
    db: &DatabaseConnection,
    new: NewUser<'_>,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    let row = user::ActiveModel {
        email: Set(new.email.to_owned()),
        password_hash: Set(hash_password(new.password)?),
        role: Set(if new.admin { ROLE_ADMIN } else { ROLE_USER }.to_owned()),
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
    active.role = Set(ROLE_ADMIN.to_owned());
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
        Some(found) if verify_password(password, &found.password_hash) => Ok(found),
        Some(_) => Err(AppError::InvalidCredentials),
        None => {
            verify_password(password, dummy_hash());
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Starts a signed-in session for `user`, with a new session id (against session fixation).
pub async fn start_session(session: &Session, user: &user::Model) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, user.id).await?;
    Ok(())
}

/// The user a session belongs to, if it belongs to one that still exists.
pub async fn session_user(
    session: &Session,
    db: &DatabaseConnection,
) -> Result<Option<user::Model>, AppError> {
    let Some(id) = session.get::<i64>(SESSION_USER_ID).await? else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// The session of the request a server function is serving.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|err| {
        tracing::error!(error = %err, "no session layer on this request");
        AppError::Internal
    })
}

/// The signed-in user of the current request, if any.
pub async fn current_user() -> Result<Option<user::Model>, AppError> {
    let state = AppState::current()?;
    session_user(&current_session().await?, &state.db).await
}

/// The signed-in user, or `Unauthorized`: the first line of every protected server function.
pub async fn require_user() -> Result<user::Model, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in administrator, or `Unauthorized`/`Forbidden`.
pub async fn require_admin() -> Result<user::Model, AppError> {
    let user = require_user().await?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether the current server-function call is a plain HTML form post (no JavaScript): such a
/// browser wants a page back, not data.
pub async fn is_plain_form_post() -> bool {
    leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .ok()
        .and_then(|h| {
            h.get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
