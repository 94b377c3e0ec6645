//! The admin area: Admin › Social apps.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Outlet};

use crate::accounts::guard::RequireUser;

/// Admin › …: administrators only; others get 403.
#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <RequireUser admin=true>
            <div class="with-sidebar">
                <nav class="sidebar" aria-label="Admin">
                    <p class="sidebar-title">"Admin"</p>
                    <A href="/admin/social-apps">"Social apps"</A>
                </nav>
                <div class="content"><Outlet/></div>
            </div>
        </RequireUser>
    }
}

/// Admin › Social apps.
#[component]
pub fn SocialAppsPage() -> impl IntoView {
    view! {
        <Title text="Social apps · Admin · Orga Connect"/>
        <header class="page-header">
            <h1>"Social apps"</h1>
            <p class="muted">"The providers your users can connect, and their app credentials."</p>
        </header>
        <div class="card empty-state">
            <h2>"Not available yet"</h2>
            <p>"Registering Facebook, X, Instagram and Google app credentials is being built and is not available on this server yet."</p>
        </div>
    }
}
