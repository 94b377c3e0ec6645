//! The page a refused OAuth callback renders, with the status of the refusal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{CallbackRefusal, ProviderId};

/// Explains why a connect flow could not finish and leads back to Settings › Applications.
#[component]
pub fn ConnectProblemPage() -> impl IntoView {
    let query = use_query_map();
    let provider = move || {
        query
            .read()
            .get("provider")
            .and_then(|s| ProviderId::from_slug(&s))
    };
    let reason = move || {
        query
            .read()
            .get("reason")
            .and_then(|r| r.parse::<CallbackRefusal>().ok())
    };
    let message = move || match reason() {
        Some(reason) => reason.message(provider()),
        None => "The connection could not be completed. Nothing was changed.".to_owned(),
    };
    let signin = move || reason() == Some(CallbackRefusal::SignedOut);
    #[cfg(feature = "ssr")]
    if let Some(refusal) = query
        .with_untracked(|q| q.get("reason"))
        .and_then(|r| r.parse::<CallbackRefusal>().ok())
    {
        crate::error::set_page_status(&refusal.as_error());
    }
    view! {
        <Title text="Connection not completed · Orga Connect"/>
        <section class="status-page">
            <p class="status-code" aria-hidden="true">"!"</p>
            <h1>"Connection not completed"</h1>
            <p>{message}</p>
            {move || if signin() {
                view! { <A href="/signin?next=/settings/applications" attr:class="btn btn-primary">"Sign in"</A> }.into_any()
            } else {
                view! { <A href="/settings/applications" attr:class="btn btn-primary">"Back to Applications"</A> }.into_any()
            }}
        </section>
    }
}
