//! Re-sealing every stored secret under the current key (`server rekey`): client secrets and
//! the links' tokens, each into the current format (key id, bound to its row). Values already
//! current are recognised by their key id without being opened, so a second run, or a run
//! resumed after an interruption, only does what is left. Each value is written only if it is
//! still the one that was read: a token renewed meanwhile is never overwritten.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::provider_store::secret_binding;
use super::tokens::{TokenOwner, binding};
use crate::crypto::{Binding, SecretCipher};
use crate::db::entities::{connected_account, provider_settings};
use crate::error::AppError;

/// What a run (or one batch) did, value by value (a link has one or two tokens).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RekeyReport {
    /// Values re-sealed under the current key.
    pub resealed: u64,
    /// Values already sealed under the current key, in the current format: left alone.
    pub current: u64,
    /// Values no key of the ring opens: left as they are (see `SECRET_KEY_OLD`).
    pub unreadable: u64,
    /// Values changed by the server while this ran (a renewed token): left to the server, which
    /// seals with the current key.
    pub changed_meanwhile: u64,
}

impl RekeyReport {
    fn add(&mut self, other: Self) {
        self.resealed += other.resealed;
        self.current += other.current;
        self.unreadable += other.unreadable;
        self.changed_meanwhile += other.changed_meanwhile;
    }
}

/// How one value fared before it is written.
enum Resealed {
    Current,
    Unreadable,
    New(String),
}

fn reseal(cipher: &SecretCipher, sealed: &str, binding: &Binding) -> Result<Resealed, AppError> {
    if cipher.is_current(sealed) {
        return Ok(Resealed::Current);
    }
    match cipher.open(sealed, binding) {
        Ok(plain) => Ok(Resealed::New(cipher.seal(plain.expose(), binding)?)),
        Err(err) => {
            tracing::warn!(error = %err, "rekey: a stored value could not be opened; left as it is");
            Ok(Resealed::Unreadable)
        }
    }
}

/// Re-seals every provider's client secret (at most one row per provider: one batch).
pub async fn rekey_client_secrets(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
) -> Result<RekeyReport, AppError> {
    let mut report = RekeyReport::default();
    let rows = provider_settings::Entity::find()
        .filter(provider_settings::Column::ClientSecret.is_not_null())
        .all(db)
        .await?;
    for row in rows {
        let Some(old) = row.client_secret else {
            continue;
        };
        match reseal(cipher, &old, &secret_binding(row.provider))? {
            Resealed::Current => report.current += 1,
            Resealed::Unreadable => report.unreadable += 1,
            Resealed::New(new) => {
                let written = provider_settings::Entity::update_many()
                    .col_expr(provider_settings::Column::ClientSecret, Expr::value(new))
                    .filter(provider_settings::Column::Provider.eq(row.provider))
                    .filter(provider_settings::Column::ClientSecret.eq(old))
                    .exec(db)
                    .await?;
                super::settings_cache::forget_in_process();
                count_write(&mut report, written.rows_affected);
            }
        }
    }
    Ok(report)
}

fn count_write(report: &mut RekeyReport, rows_affected: u64) {
    if rows_affected == 1 {
        report.resealed += 1;
    } else {
        report.changed_meanwhile += 1;
    }
}

/// Re-seals the tokens of at most `size` links with an id above `after`, in one transaction.
/// Returns what it did and the last id it looked at (`None`: no link was left).
pub async fn rekey_token_batch(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    after: i64,
    size: u64,
) -> Result<(RekeyReport, Option<i64>), AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::Id.gt(after))
        .order_by_asc(connected_account::Column::Id)
        .limit(size)
        .all(db)
        .await?;
    let Some(last) = links.last().map(|link| link.id) else {
        return Ok((RekeyReport::default(), None));
    };
    let mut report = RekeyReport::default();
    let txn = crate::db::begin_write(db).await?;
    for link in &links {
        report.add(rekey_link(&txn, cipher, link).await?);
    }
    txn.commit().await?;
    Ok((report, Some(last)))
}

/// Re-seals one link's tokens; a removed link's wiped (empty) token is no value.
async fn rekey_link(
    txn: &impl ConnectionTrait,
    cipher: &SecretCipher,
    link: &connected_account::Model,
) -> Result<RekeyReport, AppError> {
    use connected_account::Column;
    let owner = TokenOwner::of(link);
    let mut report = RekeyReport::default();
    let mut update = connected_account::Entity::update_many()
        .filter(Column::Id.eq(link.id))
        .filter(Column::AccessToken.eq(&link.access_token));
    update = match &link.refresh_token {
        Some(old) => update.filter(Column::RefreshToken.eq(old)),
        None => update.filter(Column::RefreshToken.is_null()),
    };
    let mut changes = 0;
    let values = [
        (
            Column::AccessToken,
            "access_token",
            Some(&link.access_token),
        ),
        (
            Column::RefreshToken,
            "refresh_token",
            link.refresh_token.as_ref(),
        ),
    ];
    for (column, kind, sealed) in values {
        let Some(sealed) = sealed.filter(|s| !s.is_empty()) else {
            continue;
        };
        match reseal(cipher, sealed, &binding(owner, kind))? {
            Resealed::Current => report.current += 1,
            Resealed::Unreadable => report.unreadable += 1,
            Resealed::New(new) => {
                update = update.col_expr(column, Expr::value(new));
                changes += 1;
            }
        }
    }
    if changes > 0 {
        let written = update.exec(txn).await?;
        for _ in 0..changes {
            count_write(&mut report, written.rows_affected);
        }
    }
    Ok(report)
}

/// Re-seals everything, the links `batch` at a time; `progress` hears the total after each
/// batch (the CLI prints it).
pub async fn rekey_all(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    batch: u64,
    mut progress: impl FnMut(&RekeyReport),
) -> Result<RekeyReport, AppError> {
    let mut total = rekey_client_secrets(db, cipher).await?;
    progress(&total);
    let mut after = 0;
    while let (report, Some(last)) = rekey_token_batch(db, cipher, after, batch.max(1)).await? {
        total.add(report);
        after = last;
        progress(&total);
    }
    Ok(total)
}
