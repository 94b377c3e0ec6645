//! How many people have each provider connected: shown on the admin's cards, and the reason
//! to ask before a provider they use stops being offered.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::catalog::{LinkStatus, ProviderId};
use crate::db::entities::connected_account::{Column, Entity};
use crate::error::AppError;

/// Users with a link to each provider, in one grouped query. A link the person removed at the
/// provider (a tombstone, `removed`) holds nothing and does not count; one that needs
/// reconnecting does: its owner still uses it. Providers nobody connected are absent.
pub async fn connected_users_by_provider(
    db: &impl ConnectionTrait,
) -> Result<HashMap<ProviderId, u64>, AppError> {
    let rows: Vec<(ProviderId, i64)> = Entity::find()
        .select_only()
        .column(Column::Provider)
        // A user has at most one link per provider (unique index): links are users.
        .column_as(Column::UserId.count(), "users")
        .filter(Column::Status.ne(LinkStatus::Removed))
        .group_by(Column::Provider)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(provider, users)| (provider, u64::try_from(users).unwrap_or(0)))
        .collect())
}

/// Users with a link to `provider` (counted as [`connected_users_by_provider`] does).
pub async fn connected_users(
    db: &impl ConnectionTrait,
    provider: ProviderId,
) -> Result<u64, AppError> {
    Ok(Entity::find()
        .filter(Column::Provider.eq(provider))
        .filter(Column::Status.ne(LinkStatus::Removed))
        .count(db)
        .await?)
}
