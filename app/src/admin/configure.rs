//! Registering a provider: an admin's (or the CLI's) input checked, then stored; and the
//! admin's view of what is stored.

use sea_orm::DatabaseConnection;

use super::usage::connected_users;
use super::validate::check;
use super::{MetaCallbackUrls, ProviderSettingsInput, ProviderSettingsView};
use crate::connections::ProviderSettings;
use crate::connections::provider_removal::{
    data_deletion_url, deauthorize_url, sends_removal_callbacks,
};
use crate::connections::provider_store::{
    self, Author, NewProviderRow, is_offered, is_sandbox, left_by_demo, redirect_uri,
    secret_unreadable,
};
use crate::connections::providers::check_discovery;
use crate::crypto::SecretCipher;
use crate::db::entities::provider_settings::Model;
use crate::error::AppError;
use crate::state::SiteConfig;

/// Checks an admin's `input` against the stored row and stores it; nothing is written when
/// anything is wrong.
pub async fn configure_provider(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    input: &ProviderSettingsInput,
) -> Result<Model, AppError> {
    configure_provider_as(db, cipher, input, Author::Admin).await
}

/// [`configure_provider`] on behalf of `author`: demo mode marks what it writes.
pub async fn configure_provider_as(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    input: &ProviderSettingsInput,
    author: Author,
) -> Result<Model, AppError> {
    let (current, new) = checked_change(db, cipher, input).await?;
    provider_store::store_row(db, cipher, &current, new, author).await
}

/// [`configure_provider`] for an admin or operator: once every local check passed, an OpenID
/// provider about to be offered has its issuer's discovery document read and checked as a
/// connect would, so a document with an endpoint an admin could not enter, or naming another
/// issuer, is refused here, on the issuer field, with nothing written. (Demo mode and the
/// tests register the built-in sandbox with `configure_provider`: demo mode does so before
/// the sandbox serves.)
pub async fn configure_provider_checked(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    http: &reqwest::Client,
    input: &ProviderSettingsInput,
) -> Result<Model, AppError> {
    let (current, new) = checked_change(db, cipher, input).await?;
    if new.enabled && input.provider.uses_discovery() {
        check_discovery(&new.settings.issuer, http).await?;
    }
    provider_store::store_row(db, cipher, &current, new, Author::Admin).await
}

/// The stored row and `input` checked against it, ready to store.
async fn checked_change(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    input: &ProviderSettingsInput,
) -> Result<(Model, NewProviderRow), AppError> {
    let current = provider_store::load_row(db, input.provider).await?;
    let new = check(input, current.client_secret.is_some())?;
    if new.enabled && new.client_secret.is_none() && secret_unreadable(&current, cipher) {
        return Err(AppError::invalid("client_secret", REENTER_SECRET));
    }
    if current.enabled && !new.enabled && !input.confirm_disable {
        confirm_disabling(db, input).await?;
    }
    if current.client_secret.is_some()
        && new.client_secret.is_none()
        && moves_to_another_host(&current.settings, &new.settings)
    {
        return Err(AppError::invalid(
            "client_secret",
            "The endpoints now point at another host: enter the client secret again, so that the saved one is never sent there.",
        ));
    }
    Ok((current, new))
}

/// What an admin is told when the saved client secret can no longer be opened.
pub const REENTER_SECRET: &str = "Re-enter the client secret: the saved one can no longer be decrypted with this server's SECRET_KEY.";

/// Refuses to stop offering a provider that people have connected until the admin confirms,
/// with the words the confirmation checkbox is shown beside. Their links are kept either way:
/// they still see them on Settings › Applications, and can disconnect them.
async fn confirm_disabling(
    db: &DatabaseConnection,
    input: &ProviderSettingsInput,
) -> Result<(), AppError> {
    let users = connected_users(db, input.provider).await?;
    if users == 0 {
        return Ok(());
    }
    let label = input.provider.label();
    let people = if users == 1 {
        "1 user has".to_owned()
    } else {
        format!("{users} users have")
    };
    Err(AppError::invalid(
        "confirm_disable",
        format!(
            "{people} {label} connected. Confirm to stop offering it: no one can connect it any more, \
             and the existing connections stay until their owners disconnect them."
        ),
    ))
}

/// Whether any endpoint (or the issuer) of `new` is on another origin than the same one of
/// `old`: the stored secret was given for `old`'s hosts, and the token endpoint receives it.
fn moves_to_another_host(old: &ProviderSettings, new: &ProviderSettings) -> bool {
    let origin = |raw: &str| {
        url::Url::parse(raw)
            .ok()
            .map(|url| url.origin().ascii_serialization())
    };
    let pairs = [
        (&old.authorize_url, &new.authorize_url),
        (&old.token_url, &new.token_url),
        (&old.profile_url, &new.profile_url),
        (&old.revoke_url, &new.revoke_url),
        (&old.issuer, &new.issuer),
    ];
    pairs.into_iter().any(|(old, new)| {
        !new.trim().is_empty() && !old.trim().is_empty() && origin(old) != origin(new)
    })
}

/// The stored row as input, keeping the saved secret: change a field, then configure.
pub fn input_from_row(row: &Model) -> ProviderSettingsInput {
    ProviderSettingsInput {
        provider: row.provider,
        enabled: row.enabled,
        client_id: row.client_id.clone(),
        client_secret: None,
        settings: row.settings.clone(),
        confirm_disable: false,
    }
}

/// The admin's view of a row: everything but the secret, which is only said to be set (and
/// whether this server can open it); `connected_users` comes from [`super::usage`].
pub fn admin_view(
    row: &Model,
    cipher: &SecretCipher,
    site: &SiteConfig,
    connected_users: u64,
) -> ProviderSettingsView {
    ProviderSettingsView {
        provider: row.provider,
        enabled: row.enabled,
        client_id: row.client_id.clone(),
        secret_set: row.client_secret.is_some(),
        secret_unreadable: secret_unreadable(row, cipher),
        left_by_demo: left_by_demo(row, site),
        settings: row.settings.clone(),
        redirect_uri: redirect_uri(&site.public_url, row.provider),
        meta_callbacks: sends_removal_callbacks(row.provider).then(|| MetaCallbackUrls {
            deauthorize: deauthorize_url(&site.public_url, row.provider),
            data_deletion: data_deletion_url(&site.public_url, row.provider),
        }),
        offered: is_offered(row, cipher, site),
        sandbox: is_sandbox(row, site.sandbox_url.as_ref()),
        connected_users,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ProviderId;
    use crate::connections::providers::defaults;

    #[test]
    fn only_a_change_of_host_counts_as_a_move() {
        let old = defaults(ProviderId::X);
        let mut same_host = old.clone();
        same_host.token_url = "https://api.x.com/2/oauth2/token?v=2".into();
        same_host.scopes = "users.read".into();
        assert!(!moves_to_another_host(&old, &same_host));
        let mut elsewhere = old.clone();
        elsewhere.token_url = "https://attacker.example/token".into();
        assert!(moves_to_another_host(&old, &elsewhere));
        let mut cleared = old.clone();
        cleared.revoke_url = String::new();
        assert!(
            !moves_to_another_host(&old, &cleared),
            "clearing sends nothing anywhere"
        );
        let google = defaults(ProviderId::Google);
        let mut issuer = google.clone();
        issuer.issuer = "https://login.example".into();
        assert!(moves_to_another_host(&google, &issuer));
    }
}
