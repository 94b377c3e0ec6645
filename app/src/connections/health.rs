//! Links that stay true: tokens renewed before they end, each link's profile re-read now and
//! then, and a link that no longer works marked "Reconnect needed" with the reason. The
//! server's background job calls [`run_round`]; a person's Refresh calls [`check_now`]. Both
//! work only on links they hold the lease of (`lease.rs`), so each link is handled by one
//! instance at a time, and a single-use refresh token is spent once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::avatars::refresh_link_picture;
use super::lease::{self, Lease, next_due};
use super::links::fill_empty_profile;
use super::provider_store::load_config;
use super::providers::{
    Call, Provider, ProviderConfig, ProviderError, ProviderProfile, StoredTokens, TokenSet,
    provider_for,
};
use super::{LinkProblem, LinkStatus, ProviderId, tokens};
use crate::db::entities::connected_account::{self, Column, Entity};
use crate::error::AppError;
use crate::state::AppState;

/// A link whose provider could not be reached is tried again after this long.
const RETRY_AFTER: Duration = Duration::minutes(5);

/// What one round of the job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundReport {
    /// Links that were due and leased by this instance.
    pub leased: usize,
    /// Links whose tokens were renewed.
    pub renewed: usize,
    /// Links whose profile was re-read.
    pub rechecked: usize,
    /// Links newly marked "Reconnect needed".
    pub reconnect_needed: usize,
    /// Links left for a later round (provider unreachable, settings unreadable).
    pub retry_later: usize,
}

/// How checking one link ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    /// Still works; tokens renewed and/or profile re-read.
    Fine { renewed: bool, reread: bool },
    /// The provider refused the grant for good.
    ReconnectNeeded(LinkProblem),
    /// Try again later; nothing changed.
    RetryLater,
}

/// Why a provider call did not give what the check needed.
enum Verdict {
    Problem(LinkProblem),
    Retry(ProviderError),
}

/// When a link whose check was postponed at `now` is due again.
fn retry_at(state: &AppState, now: DateTime<Utc>) -> DateTime<Utc> {
    now + RETRY_AFTER.min(state.site.health.recheck_every)
}

/// One round: leases up to `limit` due links and checks them, `concurrency` at a time.
pub async fn run_round(
    state: &AppState,
    now: DateTime<Utc>,
    limit: u64,
    concurrency: usize,
) -> Result<RoundReport, AppError> {
    let lease = Lease::new(now + state.site.health.lease);
    let links = lease::lease_due(&state.db, now, limit, &lease).await?;
    let configs = configs_for(state, &links).await;
    let results: Vec<Checked> = futures::stream::iter(links)
        .map(|link| {
            let config = configs.get(&link.provider).cloned().flatten();
            let lease = &lease;
            async move { check_leased(state, &link, config.as_ref(), lease, now, false).await }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut report = RoundReport {
        leased: results.len(),
        ..RoundReport::default()
    };
    for result in results {
        match result {
            Checked::Fine { renewed, reread } => {
                report.renewed += usize::from(renewed);
                report.rechecked += usize::from(reread);
            }
            Checked::ReconnectNeeded(_) => report.reconnect_needed += 1,
            Checked::RetryLater => report.retry_later += 1,
        }
    }
    Ok(report)
}

/// Each provider's configuration, read once per round.
async fn configs_for(
    state: &AppState,
    links: &[connected_account::Model],
) -> HashMap<ProviderId, Option<ProviderConfig>> {
    let mut configs = HashMap::new();
    for link in links {
        if configs.contains_key(&link.provider) {
            continue;
        }
        let config = load_config(state, link.provider).await.unwrap_or_else(|err| {
            tracing::warn!(provider = link.provider.slug(), error = %err, "health: settings unreadable");
            None
        });
        configs.insert(link.provider, config);
    }
    configs
}

/// A person's Refresh: renews the link's tokens if they need it and re-reads its profile now,
/// without a new consent. Returns the link's status afterwards.
pub async fn check_now(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
) -> Result<LinkStatus, AppError> {
    let now = Utc::now();
    let link = Entity::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::Provider.eq(provider))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if link.status == LinkStatus::Removed {
        return Err(AppError::BadRequest(format!(
            "{} removed access to this account; connect it again.",
            provider.label()
        )));
    }
    let lease = Lease::new(now + state.site.health.lease);
    let Some(link) = lease::lease_one(&state.db, link.id, now, &lease).await? else {
        return Err(AppError::BadRequest(format!(
            "Your {} account is being checked already; try again in a moment.",
            provider.label()
        )));
    };
    let config = load_config(state, provider).await?;
    match check_leased(state, &link, config.as_ref(), &lease, now, true).await {
        Checked::Fine { .. } => Ok(LinkStatus::Active),
        Checked::ReconnectNeeded(_) => Ok(LinkStatus::ReconnectNeeded),
        Checked::RetryLater => Err(AppError::Provider(format!(
            "{} did not answer. Your account stays connected; try again later.",
            provider.label()
        ))),
    }
}

/// Checks a leased link and always gives the lease back.
async fn check_leased(
    state: &AppState,
    link: &connected_account::Model,
    config: Option<&ProviderConfig>,
    lease: &Lease,
    now: DateTime<Utc>,
    forced: bool,
) -> Checked {
    let result = match config {
        Some(config) => check(state, link, config, lease, now, forced).await,
        None => Err(AppError::NotFound),
    };
    match result {
        Ok(checked) => checked,
        Err(err) => {
            tracing::warn!(link = link.id, provider = link.provider.slug(), error = %err, "health: check postponed");
            if let Err(err) = release(state, link, lease, retry_at(state, now)).await {
                tracing::error!(link = link.id, error = %err, "health: lease not released; it lapses on its own");
            }
            Checked::RetryLater
        }
    }
}

async fn check(
    state: &AppState,
    link: &connected_account::Model,
    config: &ProviderConfig,
    lease: &Lease,
    now: DateTime<Utc>,
    forced: bool,
) -> Result<Checked, AppError> {
    let imp = provider_for(link.provider);
    let call = Call::new(config, &state.http);
    let mut current = tokens::open(state, link)?;
    let times = tokens::times(link);
    let mut fresh = None;
    let expired = times.expires_at.is_some_and(|at| at <= now);
    let renew_due = imp.renew_at(&times).is_some_and(|at| at <= now);
    if renew_due || (expired && current.refresh_token.is_some()) {
        match renew(imp, call, &mut current).await {
            Ok(set) => fresh = Some(set),
            Err(verdict) => return settle(state, link, lease, now, verdict).await,
        }
    } else if expired {
        return settle(
            state,
            link,
            lease,
            now,
            Verdict::Problem(LinkProblem::TokenExpired),
        )
        .await;
    }
    let recheck_due = link
        .checked_at
        .is_none_or(|at| at + state.site.health.recheck_every <= now);
    let profile = if forced || recheck_due {
        match reread(imp, call, &mut current, &mut fresh).await {
            Ok(profile) if profile.id != link.provider_user_id => {
                let verdict = Verdict::Problem(LinkProblem::AccountChanged);
                return settle(state, link, lease, now, verdict).await;
            }
            Ok(profile) => Some(profile),
            Err(verdict) => return settle(state, link, lease, now, verdict).await,
        }
    } else {
        None
    };
    let checked = Checked::Fine {
        renewed: fresh.is_some(),
        reread: profile.is_some(),
    };
    save(state, link, lease, now, fresh.as_ref(), profile.as_ref()).await?;
    if let Some(profile) = &profile {
        fill_empty_profile(&state.db, link.user_id, profile).await?;
    }
    // Our copy of the picture follows the provider's: fetched again when the provider names
    // another one, or when the last fetch failed. A failure is logged there and leaves initials.
    let source = profile.as_ref().map_or(&link.avatar_url, |p| &p.avatar_url);
    if source.is_some() && (link.avatar_hash.is_none() || *source != link.avatar_url) {
        let _ = refresh_link_picture(state, link.id).await;
    }
    Ok(checked)
}

/// Renews `current` in place; the answer is returned to be stored.
async fn renew(
    imp: &dyn Provider,
    call: Call<'_>,
    current: &mut StoredTokens,
) -> Result<TokenSet, Verdict> {
    match imp.refresh(call, current).await {
        Ok(set) => {
            *current = StoredTokens {
                access_token: set.access_token.clone(),
                refresh_token: set
                    .refresh_token
                    .clone()
                    .or_else(|| current.refresh_token.clone()),
            };
            Ok(set)
        }
        Err(err) if err.refuses_token() => Err(Verdict::Problem(LinkProblem::RefreshRefused)),
        Err(err) => Err(Verdict::Retry(err)),
    }
}

/// Re-reads the profile. An access token refused before its time (expired early or revoked at
/// the provider) is renewed once when a refresh token allows it, and the read repeated.
async fn reread(
    imp: &dyn Provider,
    call: Call<'_>,
    current: &mut StoredTokens,
    fresh: &mut Option<TokenSet>,
) -> Result<ProviderProfile, Verdict> {
    match imp.reread_profile(call, &current.access_token).await {
        Ok(profile) => return Ok(profile.sanitized()),
        Err(err) if !err.refuses_token() => return Err(Verdict::Retry(err)),
        Err(_) if fresh.is_some() || current.refresh_token.is_none() => {
            return Err(Verdict::Problem(LinkProblem::AccessRevoked));
        }
        Err(_) => {}
    }
    *fresh = Some(renew(imp, call, current).await?);
    imp.reread_profile(call, &current.access_token)
        .await
        .map(ProviderProfile::sanitized)
        .map_err(|err| match err.refuses_token() {
            true => Verdict::Problem(LinkProblem::AccessRevoked),
            false => Verdict::Retry(err),
        })
}

/// Records a refusal as "Reconnect needed", or postpones the link after a passing failure.
async fn settle(
    state: &AppState,
    link: &connected_account::Model,
    lease: &Lease,
    now: DateTime<Utc>,
    verdict: Verdict,
) -> Result<Checked, AppError> {
    match verdict {
        Verdict::Problem(problem) => {
            tracing::info!(
                link = link.id,
                provider = link.provider.slug(),
                ?problem,
                "health: reconnect needed"
            );
            let row = connected_account::ActiveModel {
                status: Set(LinkStatus::ReconnectNeeded),
                status_reason: Set(Some(problem)),
                status_changed_at: Set(Some(now)),
                checked_at: Set(Some(now)),
                due_at: Set(None),
                ..released()
            };
            update_leased(state, link, lease, row).await?;
            Ok(Checked::ReconnectNeeded(problem))
        }
        Verdict::Retry(err) => {
            tracing::warn!(link = link.id, provider = link.provider.slug(), error = %err, "health: provider failed; retrying later");
            release(state, link, lease, retry_at(state, now)).await?;
            Ok(Checked::RetryLater)
        }
    }
}

/// Stores what a successful check learnt, and gives the lease back.
async fn save(
    state: &AppState,
    link: &connected_account::Model,
    lease: &Lease,
    now: DateTime<Utc>,
    fresh: Option<&TokenSet>,
    profile: Option<&ProviderProfile>,
) -> Result<(), AppError> {
    let mut row = released();
    let mut times = tokens::times(link);
    if let Some(fresh) = fresh {
        times = tokens::store(
            &mut row,
            state,
            tokens::TokenOwner::of(link),
            fresh,
            link.refresh_token.clone(),
            now,
        )?;
        row.token_version = Set(link.token_version + 1);
    }
    if let Some(profile) = profile {
        row.username = Set(profile.username.clone());
        row.display_name = Set(profile.display_name.clone());
        row.email = Set(profile.email.clone());
        row.avatar_url = Set(profile.avatar_url.clone());
        row.profile_url = Set(profile.profile_url.clone());
    }
    if link.status != LinkStatus::Active {
        row.status = Set(LinkStatus::Active);
        row.status_reason = Set(None);
        row.status_changed_at = Set(Some(now));
    }
    row.checked_at = Set(Some(now));
    row.updated_at = Set(now);
    row.due_at = Set(Some(next_due(
        link.provider,
        &times,
        now,
        &state.site.health,
    )));
    update_leased(state, link, lease, row).await
}

/// Gives the lease back; the job looks at the link again at `due`.
async fn release(
    state: &AppState,
    link: &connected_account::Model,
    lease: &Lease,
    due: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = connected_account::ActiveModel {
        due_at: Set(Some(due)),
        ..released()
    };
    update_leased(state, link, lease, row).await
}

/// No lease: what every write at the end of a check sets.
fn released() -> connected_account::ActiveModel {
    connected_account::ActiveModel {
        claim_token: Set(None),
        claim_until: Set(None),
        ..Default::default()
    }
}

/// Writes `row` only while `lease` still holds the link: a holder whose lease lapsed and was
/// taken over must not overwrite the newer holder's tokens.
async fn update_leased(
    state: &AppState,
    link: &connected_account::Model,
    lease: &Lease,
    row: connected_account::ActiveModel,
) -> Result<(), AppError> {
    let written = Entity::update_many()
        .set(row)
        .filter(Column::Id.eq(link.id))
        .filter(Column::ClaimToken.eq(lease.token.as_str()))
        .exec(&state.db)
        .await?;
    if written.rows_affected == 0 {
        tracing::error!(
            link = link.id,
            "health: lease lost before the write; result dropped"
        );
    }
    Ok(())
}
