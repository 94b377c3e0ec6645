use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::error::AppError;

/// Gives the page being rendered on the server the status of `err`; nothing in the browser.
fn set_status(_err: AppError) {
    #[cfg(feature = "ssr")]
    crate::error::set_page_status(&_err);
}

/// The page for an address that leads nowhere (HTTP 404).
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(AppError::NotFound);
    view! {
        <Title text="Page not found · Orga Connect"/>
        <section class="status-page">
            <p class="status-code">"404"</p>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <A href="/" attr:class="btn btn-primary">"Go to the home page"</A>
        </section>
    }
}

/// The page for a signed-in user who may not see what they asked for (HTTP 403).
#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(AppError::Forbidden);
    view! {
        <Title text="Access denied · Orga Connect"/>
        <section class="status-page">
            <p class="status-code">"403"</p>
            <h1>"Access denied"</h1>
            <p>"This area is for administrators. Ask an administrator of your Orga server if you need access."</p>
            <A href="/settings/profile" attr:class="btn btn-primary">"Back to your settings"</A>
        </section>
    }
}
