//! `/apps/{provider}/{person}`: the "Apps and websites" settings a person sees at a provider,
//! where they remove Orga Connect and, at Facebook and Instagram, ask for their data to be
//! deleted. Plain forms, so everything works without JavaScript.

use std::sync::Arc;

use app::connections::ProviderId;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;

use crate::Core;
use crate::identities::{self, Identity};
use crate::pages::{document, error_page};
use crate::removal::{self, AppRemoval, Callback};
use crate::spec::{ProviderSpec, spec};

/// The page and its two actions.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route("/apps/{provider}/{person}", get(show))
        .route("/apps/{provider}/{person}/{action}", post(act))
}

/// `/apps/{provider}/{person}`, the link on the index.
pub(crate) fn path(provider: ProviderId, person: &Identity) -> String {
    format!("/apps/{}/{}", provider.slug(), person.key)
}

type Target = Result<(&'static ProviderSpec, &'static Identity), Response>;

fn target(provider: &str, person: &str) -> Target {
    let Some(provider) = ProviderId::from_slug(provider) else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "Sandbox",
            "No such provider.",
        ));
    };
    let spec = spec(provider);
    identities::find(person)
        .map(|p| (spec, p))
        .ok_or_else(|| error_page(StatusCode::NOT_FOUND, spec.name(), "No such test account."))
}

async fn show(
    State(core): State<Arc<Core>>,
    Path((provider, person)): Path<(String, String)>,
) -> Response {
    match target(&provider, &person) {
        Ok((spec, person)) => page(&core, spec, person, None),
        Err(page) => page,
    }
}

/// `remove` (the app, as a person does at the provider) or `delete-data` (Meta's data-deletion
/// request), then the page again with what happened.
async fn act(
    State(core): State<Arc<Core>>,
    Path((provider, person, action)): Path<(String, String, String)>,
) -> Response {
    let (spec, person) = match target(&provider, &person) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let notice = match action.as_str() {
        "remove" => removed_notice(spec, &removal::remove_app(&core, spec.id, person).await),
        "delete-data" => {
            let answer = removal::request_data_deletion(&core, spec.id, person).await;
            deletion_notice(spec, &answer)
        }
        _ => return error_page(StatusCode::NOT_FOUND, spec.name(), "No such action."),
    };
    page(&core, spec, person, Some(notice))
}

fn removed_notice(spec: &ProviderSpec, removal: &AppRemoval) -> AnyView {
    let told = match &removal.deauthorize {
        Callback::NotSent => String::new(),
        Callback::Answered { status, .. } => format!(" Orga Connect was told (HTTP {status})."),
        Callback::Unreachable(error) => format!(" Orga Connect could not be told: {error}."),
    };
    let message = format!(
        "Orga Connect was removed from your {} account: {} token(s) revoked.{told}",
        spec.name(),
        removal.revoked_tokens
    );
    view! { <p role="status">{message}</p> }.into_any()
}

fn deletion_notice(spec: &ProviderSpec, answer: &Callback) -> AnyView {
    match answer.receipt() {
        Some(receipt) => view! {
            <div role="status">
                <p>{format!("Orga Connect received your request to delete your {} data.", spec.name())}</p>
                <p>"Confirmation code: " <code data-testid="confirmation-code">{receipt.confirmation_code}</code></p>
                <p>"Status: " <a href=receipt.url.clone()>{receipt.url.clone()}</a></p>
            </div>
        }
        .into_any(),
        None => {
            let message = match answer {
                Callback::Answered { status, body } => format!("Orga Connect answered HTTP {status}: {body}"),
                Callback::Unreachable(error) => format!("Orga Connect could not be reached: {error}"),
                Callback::NotSent => format!("{} sends no data-deletion requests.", spec.name()),
            };
            view! { <p class="error" role="alert">{message}</p> }.into_any()
        }
    }
}

/// The settings page for `person` at `spec`'s provider, with the outcome of an action.
fn page(
    core: &Core,
    spec: &'static ProviderSpec,
    person: &'static Identity,
    notice: Option<AnyView>,
) -> Response {
    let name = spec.name();
    let base = path(spec.id, person);
    let connected = core.store.live_tokens(spec.id, person.key) > 0;
    let meta = matches!(spec.id, ProviderId::Facebook | ProviderId::Instagram);
    let app = if connected {
        view! {
            <p>
                <strong>"Orga Connect"</strong>
                {format!(" can use your {name} account.")}
            </p>
            <form method="post" action=format!("{base}/remove") class="actions">
                <button type="submit" class="primary">"Remove Orga Connect"</button>
            </form>
        }
        .into_any()
    } else {
        view! { <p>{format!("Orga Connect has no access to your {name} account.")}</p> }.into_any()
    };
    let deletion = meta.then(|| {
        view! {
            <h2>"Your data at Orga Connect"</h2>
            <p>{format!("Ask Orga Connect to delete what it received from {name}.")}</p>
            <form method="post" action=format!("{base}/delete-data") class="actions">
                <button type="submit">"Request deletion of my data"</button>
            </form>
        }
    });
    let body = view! {
        <span class="badge">{format!("{name} sandbox – settings")}</span>
        <h1>"Apps and websites"</h1>
        <p class="account">
            <img src=core.avatar_url(spec.id, person.key) alt="" />
            {person.name()}
        </p>
        {notice}
        <h2>"Active"</h2>
        {app}
        {deletion}
    };
    let title = format!("Apps and websites – {name} (sandbox)");
    document(title, spec.accent, body).into_response()
}
