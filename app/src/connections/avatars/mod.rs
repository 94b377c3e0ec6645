//! Pictures we own. A provider's picture URL (`connected_accounts.avatar_url`) is fetched only
//! from that provider's image hosts, decoded as a raster image within limits, cropped to a
//! square, re-encoded as PNG (which drops every metadata chunk) and kept in `avatars` by the
//! SHA-256 of the PNG. Pages show `/avatars/{hash}`, never the provider's URL: Meta's CDN URLs
//! expire, and a hot-linked picture tells the provider who looks at our pages.

mod fetch;
mod hosts;
mod normalise;

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use url::Url;

pub use fetch::{MAX_PICTURE_BYTES, MAX_REDIRECTS, fetch_picture};
pub use hosts::{AllowList, image_hosts};
pub use normalise::{AVATAR_SIDE, normalise};

use super::provider_store::{current_row, is_sandbox};
use crate::db::entities::{avatar, connected_account, user};
use crate::state::AppState;

/// Why a picture was not stored. The link keeps its previous `avatar_hash` (none for a new link).
#[derive(Debug, thiserror::Error)]
pub enum AvatarError {
    /// The link is gone (disconnected meanwhile).
    #[error("no such link")]
    LinkGone,
    /// The URL does not parse, or carries credentials.
    #[error("the picture URL is unusable")]
    BadUrl,
    /// Not https (http only on loopback).
    #[error("the picture URL's scheme is refused: {0}")]
    Scheme(String),
    /// The host is not one of the provider's image hosts.
    #[error("the picture host {0} is not one of the provider's image hosts")]
    HostNotAllowed(String),
    /// More than [`MAX_REDIRECTS`] redirects, or one without a usable `Location`.
    #[error("too many or broken redirects")]
    Redirects,
    /// The host answered something other than 200.
    #[error("the picture host answered {0}")]
    Status(u16),
    /// Connecting or reading failed (including the client's timeout).
    #[error("fetching the picture failed: {0}")]
    Http(#[from] reqwest::Error),
    /// Larger than [`MAX_PICTURE_BYTES`].
    #[error("the picture is larger than {MAX_PICTURE_BYTES} bytes")]
    TooLarge,
    /// Not a PNG, JPEG, GIF or WebP we can decode within the limits (SVG, HTML, bombs…).
    #[error("not a picture we accept: {0}")]
    NotAnImage(String),
    /// Re-encoding failed.
    #[error("encoding the picture failed: {0}")]
    Encode(String),
    /// Reading or writing the database failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The provider's settings could not be read.
    #[error("provider settings: {0}")]
    Settings(#[from] crate::error::AppError),
}

/// Where pages find an owned picture.
pub fn avatar_path(hash: &str) -> String {
    format!("/avatars/{hash}")
}

/// Whether `value` looks like one of our keys: 64 lowercase hex digits.
pub fn is_avatar_hash(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Fetches `link_id`'s picture from its provider and stores our copy: sets the link's
/// `avatar_hash`, and the user's picture to `/avatars/{hash}` when the user has none. Returns
/// the hash, or `None` when the provider has no picture for the account (the hash is cleared).
///
/// Called by the connect flow once the link is committed, and meant for the health job: Meta's
/// picture URLs expire, so a link whose `avatar_hash` is NULL (or whose picture changed) is
/// retried with a fresh URL from the next profile read. On failure the link keeps its previous
/// hash (NULL for a new link: the card shows initials), nothing is stored, and the error is
/// logged here; the caller need not log it again.
///
/// Old rows of `avatars` are left alone when a picture changes: they are content-addressed and
/// other links may share them. Nothing collects unreferenced rows yet.
pub async fn refresh_link_picture(
    state: &AppState,
    link_id: i64,
) -> Result<Option<String>, AvatarError> {
    Ok(store_link_picture(state, link_id)
        .await?
        .map(|stored| stored.hash))
}

/// A picture stored for a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPicture {
    /// Its SHA-256, the key of `/avatars/{hash}`.
    pub hash: String,
    /// Whether it also became the user's picture (the user had none).
    pub filled_user: bool,
}

/// [`refresh_link_picture`], telling also whether the user's empty picture was filled.
pub async fn store_link_picture(
    state: &AppState,
    link_id: i64,
) -> Result<Option<StoredPicture>, AvatarError> {
    let result = refresh(state, link_id).await;
    if let Err(error) = &result {
        tracing::warn!(link_id, %error, "picture not stored; the link shows initials until a retry");
    }
    result
}

async fn refresh(state: &AppState, link_id: i64) -> Result<Option<StoredPicture>, AvatarError> {
    let link = connected_account::Entity::find_by_id(link_id)
        .one(&state.db)
        .await?
        .ok_or(AvatarError::LinkGone)?;
    let Some(source) = link.avatar_url.as_deref().filter(|s| !s.trim().is_empty()) else {
        set_link_hash(state, link_id, None).await?;
        return Ok(None);
    };
    let source = Url::parse(source).map_err(|_| AvatarError::BadUrl)?;
    let row = current_row(state, link.provider).await?;
    let sandbox = state
        .site
        .sandbox_url
        .as_ref()
        .filter(|url| is_sandbox(&row, Some(url)));
    let allowed = AllowList::new(link.provider, sandbox);
    let body = fetch_picture(&state.http, source.clone(), &allowed).await?;
    let png = tokio::task::spawn_blocking(move || normalise(&body))
        .await
        .map_err(|e| AvatarError::Encode(e.to_string()))??;
    let hash = store_avatar(state, png).await?;
    set_link_hash(state, link_id, Some(&hash)).await?;
    let filled_user = fill_user_avatar(state, link.user_id, &hash, source.as_str()).await?;
    tracing::info!(link_id, provider = link.provider.slug(), %hash, "picture stored");
    Ok(Some(StoredPicture { hash, filled_user }))
}

/// Stores `png` under its SHA-256 unless a row with that hash exists (the same bytes: another
/// link's picture, or a concurrent refresh), and returns the hash.
async fn store_avatar(state: &AppState, png: Vec<u8>) -> Result<String, AvatarError> {
    let hash = crate::crypto::sha256_hex(&png);
    avatar::Entity::insert(avatar::ActiveModel {
        hash: Set(hash.clone()),
        content_type: Set("image/png".into()),
        bytes: Set(png),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(avatar::Column::Hash)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&state.db)
    .await?;
    Ok(hash)
}

async fn set_link_hash(
    state: &AppState,
    link_id: i64,
    hash: Option<&str>,
) -> Result<(), AvatarError> {
    connected_account::Entity::update_many()
        .col_expr(
            connected_account::Column::AvatarHash,
            Expr::value(hash.map(str::to_owned)),
        )
        .filter(connected_account::Column::Id.eq(link_id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Gives the user our copy as their picture when they have none. One conditional UPDATE, so a
/// picture the user saves meanwhile is never overwritten. A user picture equal to the provider's
/// URL was copied there by earlier versions, not chosen by the user: it is replaced too, so no
/// page keeps hot-linking the provider.
async fn fill_user_avatar(
    state: &AppState,
    user_id: i64,
    hash: &str,
    source: &str,
) -> Result<bool, AvatarError> {
    let unset = Condition::any()
        .add(user::Column::AvatarUrl.is_null())
        .add(user::Column::AvatarUrl.eq(""))
        .add(user::Column::AvatarUrl.eq(source));
    let filled = user::Entity::update_many()
        .col_expr(user::Column::AvatarUrl, Expr::value(avatar_path(hash)))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user_id))
        .filter(unset)
        .exec(&state.db)
        .await?;
    Ok(filled.rows_affected > 0)
}

/// Deletes those of our pictures `hashes` that no link and no user uses any more: once a
/// link or a user goes, the picture it alone used goes with it. Shared pictures stay.
pub async fn delete_unused(
    db: &impl ConnectionTrait,
    hashes: &[String],
) -> Result<(), sea_orm::DbErr> {
    for hash in hashes {
        let links = connected_account::Entity::find()
            .filter(connected_account::Column::AvatarHash.eq(hash.as_str()))
            .count(db)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::AvatarUrl.eq(avatar_path(hash)))
            .count(db)
            .await?;
        if links == 0 && users == 0 {
            avatar::Entity::delete_by_id(hash.clone()).exec(db).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_avatar_hash;

    #[test]
    fn hashes_are_64_lowercase_hex_digits() {
        assert!(is_avatar_hash(&"a1".repeat(32)));
        assert!(!is_avatar_hash(&"A1".repeat(32)));
        assert!(!is_avatar_hash(&"a1".repeat(31)));
        assert!(!is_avatar_hash("../../etc/passwd"));
    }
}
