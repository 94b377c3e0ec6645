//! Settings › Applications: the social accounts connected to a profile.

use leptos::prelude::*;
use leptos_meta::Title;

/// Settings › Applications.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    view! {
        <Title text="Applications · Orga Connect"/>
        <header class="page-header">
            <h1>"Applications"</h1>
            <p class="muted">"Social accounts connected to your profile."</p>
        </header>
        <div class="card empty-state">
            <h2>"Not available yet"</h2>
            <p>"Connecting Facebook, X, Instagram and Google accounts is being built and is not available on this server yet."</p>
        </div>
    }
}
