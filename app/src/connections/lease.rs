//! Leases on links: an instance renews or checks a link only while it holds the link's lease,
//! so two instances (or the job and a person's Refresh) never spend the same single-use X
//! refresh token. A lease is a random token and an end time in the link's row; it lapses on
//! its own when its holder dies.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::providers::{TokenTimes, provider_for};
use super::{LinkStatus, ProviderId};
use crate::db::entities::connected_account::{self, Column, Entity};
use crate::state::HealthPolicy;

/// A lease held on one or more links.
#[derive(Debug, Clone)]
pub struct Lease {
    /// The random token written into the rows.
    pub token: String,
    /// When it lapses.
    pub until: DateTime<Utc>,
}

impl Lease {
    /// A new lease ending at `until`.
    pub fn new(until: DateTime<Utc>) -> Self {
        Self {
            token: crate::crypto::random_token(),
            until,
        }
    }
}

/// When the job should next look at a link: when its tokens should be renewed, when a token
/// that cannot be renewed ends, and at the latest `recheck_every` after its last check.
pub(super) fn next_due(
    provider: ProviderId,
    times: &TokenTimes,
    checked_at: DateTime<Utc>,
    policy: &HealthPolicy,
) -> DateTime<Utc> {
    let renew = provider_for(provider).renew_at(times);
    let ends = if renew.is_none() {
        times.expires_at
    } else {
        None
    };
    [Some(checked_at + policy.recheck_every), renew, ends]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(checked_at)
}

/// Free at `now`: never leased, or the lease lapsed.
fn free_at(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Column::ClaimUntil.is_null())
        .add(Column::ClaimUntil.lt(now))
}

/// Leases up to `limit` active links that are due at `now`, soonest first, and returns them.
/// On PostgreSQL the candidates are locked `FOR UPDATE SKIP LOCKED`, so concurrent rounds on
/// several instances take disjoint sets; the lease condition is checked again on the rows
/// themselves, so a row leased meanwhile is never taken twice (SQLite has one writer at a time).
pub async fn lease_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
    lease: &Lease,
) -> Result<Vec<connected_account::Model>, sea_orm::DbErr> {
    let candidates = Query::select()
        .column(Column::Id)
        .from(Entity)
        .and_where(Column::Status.eq(LinkStatus::Active))
        .and_where(Column::DueAt.lte(now))
        .cond_where(free_at(now))
        .order_by(Column::DueAt, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    Entity::update_many()
        .col_expr(Column::ClaimToken, Expr::value(lease.token.clone()))
        .col_expr(Column::ClaimUntil, Expr::value(lease.until))
        .filter(Column::Id.in_subquery(candidates))
        .filter(free_at(now))
        .exec(db)
        .await?;
    Entity::find()
        .filter(Column::ClaimToken.eq(lease.token.as_str()))
        .order_by_asc(Column::DueAt)
        .all(db)
        .await
}

/// Leases one link, whatever its due time; `None` when another holder has it.
pub async fn lease_one(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    lease: &Lease,
) -> Result<Option<connected_account::Model>, sea_orm::DbErr> {
    let taken = Entity::update_many()
        .col_expr(Column::ClaimToken, Expr::value(lease.token.clone()))
        .col_expr(Column::ClaimUntil, Expr::value(lease.until))
        .filter(Column::Id.eq(id))
        .filter(free_at(now))
        .exec(db)
        .await?;
    if taken.rows_affected == 0 {
        return Ok(None);
    }
    Entity::find_by_id(id)
        .filter(Column::ClaimToken.eq(lease.token.as_str()))
        .one(db)
        .await
}
