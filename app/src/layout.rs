//! The header shown on every page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::accounts::api::SignOut;
use crate::accounts::guard::use_auth;

/// Brand, navigation and the account menu.
#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"O"</span>
                // Visually hidden on a narrow screen, so the header keeps to one line; still
                // the link's name.
                <span class="brand-name">"Orga Connect"</span>
            </A>
            <nav class="topnav" aria-label="Main">
                {move || match auth.user.get() {
                    Some(user) => view! {
                        <A href="/settings/profile">"Settings"</A>
                        {user.is_admin.then(|| view! { <A href="/admin/social-apps">"Admin"</A> })}
                        <span class="topnav-user" title=user.email.clone()>{user.display_name()}</span>
                        <ActionForm action=sign_out attr:class="inline-form">
                            <button type="submit" class="btn btn-ghost">"Sign out"</button>
                        </ActionForm>
                    }.into_any(),
                    None => view! {
                        <A href="/signin">"Sign in"</A>
                        <A href="/signup" attr:class="btn btn-primary btn-sm">"Create account"</A>
                    }.into_any(),
                }}
            </nav>
        </header>
    }
}
