//! `/connect/deletion/{code}`: the status page of a data-deletion request, the URL Meta shows
//! the person after its data-deletion callback. Public: the unguessable code is the only key,
//! and the page says nothing about whose data it was.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::ProviderId;
use crate::components::NotFound;
use crate::error::AppError;

/// A data-deletion request as its status page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataDeletionView {
    /// Whose request it relayed.
    pub provider: ProviderId,
    /// When it arrived, for people ("30 November 2026 at 09:23 UTC").
    pub received_on: String,
    /// When the data was deleted; `None` while pending.
    pub deleted_on: Option<String>,
}

/// The request with confirmation code `code`; `NotFound` for any other code. No
/// `require_user()`: the person reading it comes from the provider's page, maybe signed out.
#[server(endpoint = "data_deletion_status")]
pub async fn data_deletion_status(code: String) -> Result<DataDeletionView, AppError> {
    let state = crate::state::AppState::current()?;
    let found = super::provider_removal::find_data_deletion(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let when = |at: chrono::DateTime<chrono::Utc>| at.format("%-d %B %Y at %H:%M UTC").to_string();
    Ok(DataDeletionView {
        provider: found.provider,
        received_on: when(found.requested_at),
        deleted_on: found.completed_at.map(when),
    })
}

/// The status page; rendered with `SsrMode::Async` (see `App`), so the answer is in the HTML
/// and an unknown code gets the 404 page with status 404, without JavaScript.
#[component]
pub fn DataDeletionPage() -> impl IntoView {
    let params = use_params_map();
    let status = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        data_deletion_status,
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(found) => view! { <DeletionStatus found/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(err) => {
                        #[cfg(feature = "ssr")]
                        crate::error::set_page_status(&err);
                        view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeletionStatus(found: DataDeletionView) -> impl IntoView {
    let name = found.provider.label();
    let outcome = match found.deleted_on {
        Some(on) => format!(
            "Orga Connect deleted the data it held about your {name} account on {on}: the \
             connection, its access tokens, profile details and picture."
        ),
        None => format!("Orga Connect has not finished deleting your {name} data yet."),
    };
    view! {
        <Title text="Data deletion request · Orga Connect"/>
        <section class="status-page">
            <h1>{format!("{name} data deletion request")}</h1>
            <p>{format!("Orga Connect received this request from {name} on {}.", found.received_on)}</p>
            <p>{outcome}</p>
        </section>
    }
}
