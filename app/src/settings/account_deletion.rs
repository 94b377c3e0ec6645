//! Deleting an account. Each connected account is disconnected first, its grant revoked at the
//! provider (as Disconnect does), so that no provider keeps giving us access to someone who is
//! gone; then, in one transaction, everything that was the user's: links, pending connect
//! flows, sessions, the user row, and our copies of pictures no one else uses.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::accounts::users::confirm_password;
use crate::connections::avatars::{delete_unused, is_avatar_hash};
use crate::connections::links::disconnect_all;
use crate::db::entities::{connected_account, oauth_state, session, user};
use crate::error::AppError;
use crate::state::AppState;

/// Deletes the user `user_id` once `password` is theirs (else an error on the form field
/// `password`, and nothing happens). The caller ends the current session.
pub async fn delete_account(
    state: &AppState,
    user_id: i64,
    password: &str,
) -> Result<(), AppError> {
    let found = confirm_password(&state.db, user_id, "password", password).await?;
    let pictures = pictures_of(&state.db, &found).await?;
    let disconnected = disconnect_all(state, user_id).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    // Only a link connected in the last moment can be left; its tokens are forgotten with it.
    let late_links = connected_account::Entity::delete_many()
        .filter(connected_account::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?
        .rows_affected;
    oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    user::Entity::delete_by_id(user_id).exec(&txn).await?;
    delete_unused(&txn, &pictures).await?;
    txn.commit().await?;
    tracing::info!(user_id, disconnected, late_links, "account deleted");
    Ok(())
}

/// The hashes of our pictures the user and their links use, read before any of them goes.
async fn pictures_of(
    db: &impl ConnectionTrait,
    found: &user::Model,
) -> Result<Vec<String>, AppError> {
    let mut hashes: Vec<String> = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(found.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|link| link.avatar_hash)
        .collect();
    if let Some(hash) = found
        .avatar_url
        .as_deref()
        .and_then(|url| url.strip_prefix("/avatars/"))
        .filter(|hash| is_avatar_hash(hash))
    {
        hashes.push(hash.to_owned());
    }
    hashes.sort();
    hashes.dedup();
    Ok(hashes)
}
