//! The landing page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::accounts::guard::use_auth;
use crate::catalog::ProviderId;
use crate::components::ProviderMark;

/// What Orga Connect does, and the way in: sign up or sign in for a visitor, the connected
/// accounts for a user (and the providers, for an admin).
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section class="hero">
            <h1>"Your event profile, connected."</h1>
            <p class="lead">
                "Connect your Facebook, X, Instagram and Google accounts to your profile on this Orga event server, "
                "see at a glance what is connected, and disconnect any of them whenever you like."
            </p>
            <ul class="hero-providers" aria-label="Providers you can connect">
                {ProviderId::ALL.into_iter().map(|p| view! {
                    <li><ProviderMark provider=p/><span>{p.label()}</span></li>
                }).collect_view()}
            </ul>
            <div class="hero-actions">
                {move || match auth.user.get() {
                    Some(user) => view! {
                        <A href="/settings/applications" attr:class="btn btn-primary">"Manage your connected accounts"</A>
                        <A href="/settings/profile" attr:class="btn btn-secondary">"Your profile"</A>
                        {user.is_admin.then(|| view! {
                            <A href="/admin/social-apps" attr:class="btn btn-secondary">"Choose the providers"</A>
                        })}
                    }.into_any(),
                    None => view! {
                        <A href="/signup" attr:class="btn btn-primary">"Create your account"</A>
                        <A href="/signin" attr:class="btn btn-secondary">"Sign in"</A>
                    }.into_any(),
                }}
            </div>
        </section>
        <section class="features" aria-label="How it works">
            <div class="feature card">
                <h2>"Connect in two clicks"</h2>
                <p>"Choose a provider, approve at its sign-in page, and you are back. Your name and picture fill in from it when yours are empty, never over what you set."</p>
            </div>
            <div class="feature card">
                <h2>"See what is connected"</h2>
                <p>"Settings › Applications lists each account with its name, when it was connected and whether it still works, and shows it on your profile."</p>
            </div>
            <div class="feature card">
                <h2>"Disconnect any time"</h2>
                <p>"One click removes the account from your profile, deletes what we kept of it and asks the provider to revoke our access."</p>
            </div>
            <div class="feature card">
                <h2>"Chosen by your admins"</h2>
                <p>"The server's administrators decide which providers are offered, by registering Orga Connect with each of them."</p>
            </div>
        </section>
    }
}
