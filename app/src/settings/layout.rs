use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use crate::accounts::guard::RequireUser;

/// Settings › …: a side navigation and the page chosen in it; signed-in users only.
#[component]
pub fn SettingsLayout() -> impl IntoView {
    view! {
        <RequireUser>
            <div class="with-sidebar">
                <nav class="sidebar" aria-label="Settings">
                    <p class="sidebar-title">"Settings"</p>
                    <A href="/settings/profile">"Profile"</A>
                    <A href="/settings/applications">"Applications"</A>
                </nav>
                <div class="content"><Outlet/></div>
            </div>
        </RequireUser>
    }
}
