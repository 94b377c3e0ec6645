//! A person removing the app at the provider, as Meta does it: every token issued to them is
//! revoked and, for Facebook and Instagram, the app's deauthorize callback receives a
//! `signed_request`; asking for one's data to be deleted is a separate step that sends the
//! data-deletion callback. <https://developers.facebook.com/docs/reference/login/signed-request>

use std::time::{SystemTime, UNIX_EPOCH};

use app::connections::ProviderId;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use crate::identities::Identity;
use crate::{Core, Sandbox};

/// What became of a callback to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// The provider sends none (X, Google).
    NotSent,
    /// The app answered.
    Answered {
        /// Its HTTP status.
        status: u16,
        /// Its body.
        body: String,
    },
    /// The app could not be reached.
    Unreachable(String),
}

impl Callback {
    /// Whether the app answered with a 2xx status.
    pub fn succeeded(&self) -> bool {
        matches!(self, Self::Answered { status, .. } if (200..300).contains(status))
    }

    /// The app's answer to a data-deletion callback, when it is the JSON Meta requires.
    pub fn receipt(&self) -> Option<DeletionReceipt> {
        match self {
            Self::Answered { status: 200, body } => serde_json::from_str(body).ok(),
            _ => None,
        }
    }
}

/// `{"url": …, "confirmation_code": …}`: what Meta shows the person after a data deletion.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeletionReceipt {
    /// Where the person can read the request's status.
    pub url: String,
    /// The code identifying the request.
    pub confirmation_code: String,
}

/// What removing the app did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRemoval {
    /// How many live tokens were revoked.
    pub revoked_tokens: usize,
    /// The deauthorize callback (Facebook and Instagram only).
    pub deauthorize: Callback,
}

/// Which of Meta's callbacks.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Deauthorize,
    DataDeletion,
}

/// Revokes `person`'s tokens at `provider`, then tells the app where Meta would.
pub(crate) async fn remove_app(
    core: &Core,
    provider: ProviderId,
    person: &'static Identity,
) -> AppRemoval {
    let revoked_tokens = core.store.revoke_all(provider, person.key);
    tracing::info!(
        provider = provider.slug(),
        person = person.key,
        revoked_tokens,
        "sandbox: app removed"
    );
    AppRemoval {
        revoked_tokens,
        deauthorize: send(core, provider, person, Kind::Deauthorize).await,
    }
}

/// Sends the data-deletion callback for `person` (Facebook and Instagram only).
pub(crate) async fn request_data_deletion(
    core: &Core,
    provider: ProviderId,
    person: &'static Identity,
) -> Callback {
    send(core, provider, person, Kind::DataDeletion).await
}

async fn send(core: &Core, provider: ProviderId, person: &Identity, kind: Kind) -> Callback {
    if !matches!(provider, ProviderId::Facebook | ProviderId::Instagram) {
        return Callback::NotSent;
    }
    let path = match kind {
        Kind::Deauthorize => "deauthorize",
        Kind::DataDeletion => "data-deletion",
    };
    let url = format!("{}/auth/{}/{path}", core.app_public, provider.slug());
    let signed = signed_request(provider, &person.provider_id(provider));
    let sent = core
        .http
        .post(&url)
        .form(&[("signed_request", signed)])
        .send()
        .await;
    let answer = match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            match res.text().await {
                Ok(body) => Callback::Answered { status, body },
                Err(error) => Callback::Unreachable(error.to_string()),
            }
        }
        Err(error) => Callback::Unreachable(error.to_string()),
    };
    tracing::info!(
        provider = provider.slug(),
        ?kind,
        ?answer,
        "sandbox: callback sent"
    );
    answer
}

/// `base64url(HMAC-SHA256(secret, payload)).payload`, `payload` being the base64url of
/// `{"algorithm":"HMAC-SHA256","issued_at":…,"user_id":…}`, with the sandbox app's secret.
fn signed_request(provider: ProviderId, user_id: &str) -> String {
    let issued_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let payload = json!({ "algorithm": "HMAC-SHA256", "issued_at": issued_at, "user_id": user_id });
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let signature =
        match Hmac::<Sha256>::new_from_slice(Sandbox::client_secret(provider).as_bytes()) {
            Ok(mut mac) => {
                mac.update(payload.as_bytes());
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            }
            // HMAC takes keys of any length; this cannot happen.
            Err(_) => String::new(),
        };
    format!("{signature}.{payload}")
}
