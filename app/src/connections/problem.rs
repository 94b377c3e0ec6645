//! The page a refused OAuth callback renders (with a 4xx status set by the server).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::ProviderId;

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
    let reason = move || query.read().get("reason").unwrap_or_default();
    let message = move || {
        let name = provider().map(ProviderId::label).unwrap_or("the provider");
        match reason().as_str() {
            "state" => format!(
                "This link back from {name} is invalid, was already used, or has expired (flows are valid for 10 minutes). \
                 Nothing was changed. Start again from Settings › Applications."
            ),
            "signin" => format!(
                "You need to be signed in to connect {name}. Nothing was changed. Sign in, then connect again."
            ),
            "code" => format!(
                "{name} sent you back without an authorization code. Nothing was changed. Please try again."
            ),
            "provider" => "There is no such provider.".to_owned(),
            _ => "The connection could not be completed. Nothing was changed.".to_owned(),
        }
    };
    let signin = move || reason() == "signin";
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
