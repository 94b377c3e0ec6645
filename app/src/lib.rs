//! Orga Connect: the Leptos application shared by the server (SSR) and the browser (hydrate).

pub mod accounts;
pub mod admin;
pub mod catalog;
pub mod components;
pub mod connections;
#[cfg(feature = "ssr")]
pub mod crypto;
pub mod csp;
pub mod dates;
pub mod error;
pub mod flash;
mod home;
mod layout;
pub mod pages;
pub mod settings;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::accounts::guard::AuthContext;
use crate::accounts::pages::{SignInPage, SignUpPage};
use crate::admin::AdminLayout;
use crate::components::NotFound;
use crate::connections::ApplicationsPage;
use crate::connections::deletion::DataDeletionPage;
use crate::connections::problem::ConnectProblemPage;
use crate::pages::SocialApps;
use crate::settings::{ProfilePage, SettingsLayout};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <csp::CspNonce/>
                <HydrationScripts options/>
                <MetaTags/>
                <crate::accounts::guard::SessionScript/>
                <crate::flash::FlashScript/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header, routes, pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthContext::provide();
    crate::flash::FlashContext::provide();
    view! {
        <Title text="Orga Connect"/>
        <Router>
            <layout::Header/>
            <main class="main" id="main">
                // Pages that load data stream in order (`SsrMode::InOrder`): each Suspense is
                // resolved before the HTML goes on, so the page is complete without JavaScript
                // (out-of-order streaming left "Loading…" until a script moved the content in).
                // Not `Async`: with two resources on Profile it hung now and then (about one
                // run in twelve of server/tests/session_storage.rs). Pages without data stream.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("") view=home::HomePage/>
                    <Route path=path!("signin") view=SignInPage/>
                    <Route path=path!("signup") view=SignUpPage/>
                    <Route path=path!("connect/problem") view=ConnectProblemPage/>
                    // Async: the status is in the HTML (and a 404 is a 404) without JavaScript.
                    <Route path=path!("connect/deletion/:code") view=DataDeletionPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("settings") view=SettingsLayout>
                        <Route path=path!("") view=|| view! { <Redirect path="/settings/profile"/> }/>
                        <Route path=path!("profile") view=ProfilePage ssr=SsrMode::InOrder/>
                        <Route path=path!("applications") view=ApplicationsPage ssr=SsrMode::InOrder/>
                    </ParentRoute>
                    <ParentRoute path=path!("admin") view=AdminLayout>
                        <Route path=path!("") view=|| view! { <Redirect path="/admin/social-apps"/> }/>
                        <Route path=path!("social-apps") view={Lazy::<SocialApps>::new()} ssr=SsrMode::InOrder/>
                    </ParentRoute>
                </Routes>
            </main>
            <footer class="footer">
                <p>"Orga Connect · connect your social accounts to your event profile"</p>
            </footer>
        </Router>
    }
}
