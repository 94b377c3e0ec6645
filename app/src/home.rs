//! The landing page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::accounts::guard::use_auth;

/// What Orga Connect is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section class="hero">
            <h1>"Your event profile, connected."</h1>
            <p class="lead">
                "Link your Facebook, X, Instagram and Google accounts to your Orga profile, "
                "see what is connected, and disconnect whenever you like."
            </p>
            <div class="hero-actions">
                {move || if auth.user.get().is_some() {
                    view! { <A href="/settings/applications" attr:class="btn btn-primary">"Manage connected accounts"</A> }.into_any()
                } else {
                    view! {
                        <A href="/signup" attr:class="btn btn-primary">"Create an account"</A>
                        <A href="/signin" attr:class="btn btn-secondary">"Sign in"</A>
                    }.into_any()
                }}
            </div>
        </section>
        <section class="features">
            <div class="feature card">
                <h2>"Connect in two clicks"</h2>
                <p>"Sign in with the provider, approve, done. Your name and picture fill in on their own, never over what you set."</p>
            </div>
            <div class="feature card">
                <h2>"You stay in control"</h2>
                <p>"Every connection is listed with the date it was made. Disconnect revokes our access at the provider."</p>
            </div>
            <div class="feature card">
                <h2>"Chosen by your admins"</h2>
                <p>"Administrators decide which providers are offered by registering each provider's app."</p>
            </div>
        </section>
    }
}
