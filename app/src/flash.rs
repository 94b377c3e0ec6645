//! A one-time message from the server to the next page the browser loads: how a connect flow
//! ended (with the profile fields it filled), or what a server function posted as a plain HTML
//! form (no JavaScript) answered, with what was typed. It lives in the session, never in the
//! URL, so nobody can make a page announce something that did not happen, and it is shown once.
//!
//! The page guard takes it out of the session on the next page load; the renderer and the
//! browser read it the same way as the signed-in user (request extension on the server, a JSON
//! script in the page), so the hydrated page shows what the server rendered.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::catalog::{ConnectOutcome, ProviderId};
use crate::error::AppError;

/// The id of the `<script type="application/json">` carrying the page's flash.
pub const FLASH_SCRIPT_ID: &str = "orga-flash";

/// What the server has to tell the next page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flash {
    /// How a connect flow ended.
    pub connect: Option<ConnectNotice>,
    /// What a plain form post answered.
    pub answer: Option<FormAnswer>,
}

/// How a connect flow ended, for Settings › Applications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectNotice {
    /// Which provider.
    pub provider: ProviderId,
    /// How it ended.
    pub outcome: ConnectOutcome,
    /// The user's empty profile fields the account filled ("name", "picture").
    pub filled: Vec<String>,
}

/// What a server function answered to a plain HTML form post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAnswer {
    /// The server function's path, e.g. `/api/sign_in`.
    pub path: String,
    /// Its answer as JSON, or its error.
    pub result: Result<String, AppError>,
    /// What was typed, so that a failed form shows it again (and a page with several forms to
    /// one function knows which answered); never a password or a secret ([`is_secret_field`]).
    pub values: Vec<(String, String)>,
}

impl FormAnswer {
    /// The answer of server function `S`, if this is its answer.
    pub fn of<S>(&self) -> Option<Result<S::Output, AppError>>
    where
        S: ServerFn<Error = AppError>,
        S::Output: DeserializeOwned,
    {
        if self.path != S::PATH {
            return None;
        }
        Some(match &self.result {
            Ok(json) => serde_json::from_str(json).map_err(|_| AppError::Internal),
            Err(err) => Err(err.clone()),
        })
    }

    /// The value typed into field `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Fields whose value is never kept: passwords and client secrets.
pub fn is_secret_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("password") || name.contains("secret")
}

/// The flash of the page being rendered, as the page guard stores it in the request's
/// extensions.
#[derive(Debug, Clone, Default)]
pub struct PageFlash(pub Option<Flash>);

/// The flash for the components. Each part is taken by the first component that wants it, so
/// a later client-side navigation does not show it again.
#[derive(Clone, Copy)]
pub struct FlashContext(StoredValue<Flash>);

impl FlashContext {
    /// Reads the flash (request on the server, page script in the browser) and provides it.
    pub fn provide() {
        provide_context(Self(StoredValue::new(initial_flash().unwrap_or_default())));
    }

    /// How a connect flow ended, once.
    pub fn take_connect(self) -> Option<ConnectNotice> {
        self.0.try_update_value(|f| f.connect.take()).flatten()
    }

    /// The answer of `S` to a plain form post, if `accept` says it is this form's. Read, not
    /// taken: a page under `Suspense` may be built more than once while it renders.
    pub fn answer<S>(
        self,
        accept: impl Fn(&FormAnswer) -> bool,
    ) -> Option<Result<S::Output, AppError>>
    where
        S: ServerFn<Error = AppError>,
        S::Output: DeserializeOwned,
    {
        self.0.with_value(|f| {
            let answer = f.answer.as_ref().filter(|a| accept(a))?;
            answer.of::<S>()
        })
    }

    /// What was typed into field `name` before a plain form post failed. With `form_key` (a
    /// page with several forms to one function, like the admin's provider cards), only if the
    /// post carried that key among its values.
    pub fn typed(self, name: &str, form_key: Option<&str>) -> Option<String> {
        self.0.with_value(|f| {
            let answer = f.answer.as_ref().filter(|a| a.result.is_err())?;
            if let Some(key) = form_key
                && !answer.values.iter().any(|(_, v)| v == key)
            {
                return None;
            }
            answer.value(name).map(str::to_owned)
        })
    }
}

/// The flash of this page, if the app provided one.
pub fn use_flash() -> Option<FlashContext> {
    use_context::<FlashContext>()
}

/// A server action for `S` holding, from the start, what `S` answered to the plain form post
/// that led to this page, if any: the page shows it exactly as after a post with JavaScript.
/// `accept` decides whether the answer belongs to this form (several forms may post to the
/// same function, like the admin's provider cards); what was typed comes back through
/// [`FlashContext::typed`].
pub fn seeded_action<S>(accept: impl Fn(&FormAnswer) -> bool) -> ServerAction<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    if let Some(result) = use_flash().and_then(|f| f.answer::<S>(accept)) {
        action.value().set(Some(result));
    }
    action
}

#[cfg(feature = "ssr")]
fn initial_flash() -> Option<Flash> {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageFlash>().cloned())
        .and_then(|f| f.0)
}

#[cfg(not(feature = "ssr"))]
fn initial_flash() -> Option<Flash> {
    let text = document()
        .get_element_by_id(FLASH_SCRIPT_ID)?
        .text_content()?;
    serde_json::from_str(&text).ok().flatten()
}

/// The `<script>` that hands the flash to the browser (rendered by the shell).
#[component]
pub fn FlashScript() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let flash = initial_flash();
    #[cfg(not(feature = "ssr"))]
    let flash: Option<Flash> = None;
    let json = serde_json::to_string(&flash).unwrap_or_else(|_| "null".into());
    // `<` cannot appear inside the script element's JSON, so `</script>` cannot end it early.
    let json = json.replace('<', "\\u003c");
    view! { <script type="application/json" id=FLASH_SCRIPT_ID inner_html=json></script> }
}

/// Keeping and taking the flash in the session (server only).
#[cfg(feature = "ssr")]
pub mod store {
    use tower_sessions::Session;

    use super::{ConnectNotice, Flash, FormAnswer};
    use crate::error::AppError;

    /// The session key of the flash.
    const KEY: &str = "flash";

    /// Tells the next page how a connect flow ended.
    pub async fn put_connect(session: &Session, notice: ConnectNotice) -> Result<(), AppError> {
        put(
            session,
            Flash {
                connect: Some(notice),
                answer: None,
            },
        )
        .await
    }

    /// Tells the next page what a plain form post answered.
    pub async fn put_answer(session: &Session, answer: FormAnswer) -> Result<(), AppError> {
        put(
            session,
            Flash {
                connect: None,
                answer: Some(answer),
            },
        )
        .await
    }

    async fn put(session: &Session, flash: Flash) -> Result<(), AppError> {
        session.insert(KEY, flash).await?;
        Ok(())
    }

    /// The flash for the page being loaded, removed from the session. Looked at first: a
    /// removal marks the session changed, and most page loads must not write it back.
    pub async fn take(session: &Session) -> Result<Option<Flash>, AppError> {
        if session.get_value(KEY).await?.is_none() {
            return Ok(None);
        }
        Ok(session.remove::<Flash>(KEY).await?)
    }
}
