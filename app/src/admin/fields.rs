//! Parts of a provider's card on Admin › Social apps: the URLs to register, with a copy button,
//! and the "Advanced" endpoints.

use std::time::Duration;

use leptos::html::Details;
use leptos::prelude::*;

use crate::catalog::ProviderSettings;
use crate::components::TextField;
use crate::connections::ProviderId;
use crate::error::AppError;

/// The fields inside "Advanced: endpoints", by their error's `field`.
const ADVANCED: [&str; 6] = [
    "issuer",
    "authorize_url",
    "token_url",
    "profile_url",
    "revoke_url",
    "graph_version",
];

/// How long "Copied" stays beside a copy button.
const COPIED_FOR: Duration = Duration::from_millis(2500);

/// "Advanced: endpoints": the issuer of an OpenID Connect provider, the endpoints of the others,
/// and the Graph API version where URLs carry one. Closed, unless the form's error names one of
/// its fields: a message inside a closed section would not be seen.
#[component]
pub fn AdvancedFields(
    provider: ProviderId,
    settings: ProviderSettings,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let prefix = provider.slug();
    let v = |value: &str| Signal::stored(value.to_owned());
    let names_a_field = move || {
        error.with(|e| {
            e.as_ref()
                .is_some_and(|e| ADVANCED.iter().any(|f| e.message_for(f).is_some()))
        })
    };
    // In the HTML when the page comes with the error (a form post without JavaScript); opened
    // by the browser when an error arrives later. Never closed here: the admin may have opened it.
    let open_at_start = untrack(names_a_field);
    let details = NodeRef::<Details>::new();
    Effect::new(move |_| {
        if names_a_field()
            && let Some(el) = details.get()
        {
            let _ = el.set_attribute("open", "");
        }
    });
    view! {
        <details node_ref=details class="advanced" open=open_at_start>
            <summary>"Advanced: endpoints"</summary>
            {if provider.uses_discovery() {
                view! {
                    <TextField
                        label="OpenID Connect issuer" name="input[settings][issuer]" kind="url" id_prefix=prefix value=v(&settings.issuer) error=error
                        hint="Endpoints and signing keys are read from {issuer}/.well-known/openid-configuration."
                    />
                }.into_any()
            } else {
                view! {
                    <TextField label="Authorize URL" name="input[settings][authorize_url]" kind="url" id_prefix=prefix value=v(&settings.authorize_url) error=error/>
                    <TextField label="Token URL" name="input[settings][token_url]" kind="url" id_prefix=prefix value=v(&settings.token_url) error=error/>
                    <TextField label="Profile URL" name="input[settings][profile_url]" kind="url" id_prefix=prefix value=v(&settings.profile_url) error=error/>
                    <TextField label="Revoke URL" name="input[settings][revoke_url]" kind="url" id_prefix=prefix value=v(&settings.revoke_url) error=error hint="Leave empty if the provider has none."/>
                }.into_any()
            }}
            {provider.uses_graph_version().then(|| view! {
                <TextField
                    label="Graph API version" name="input[settings][graph_version]" id_prefix=prefix value=v(&settings.graph_version) error=error
                    hint="Replaces {version} in the URLs above."
                />
            })}
        </details>
    }
}

/// A URL to register at the provider (the redirect URI, Meta's callbacks), with a copy button.
/// "Copied" is said in a status region that is always there (so screen readers announce the
/// change), and goes after a few seconds.
#[component]
pub fn CopyableUrl(label: &'static str, uri: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    // The running timer: a second click starts the time again.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(Some(running)) = timer.try_get_value() {
            running.clear();
        }
    });
    let to_copy = uri.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&to_copy);
            copied.set(true);
            if let Some(running) = timer.get_value() {
                running.clear();
            }
            timer.set_value(set_timeout_with_handle(move || copied.set(false), COPIED_FOR).ok());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&to_copy, timer, COPIED_FOR);
    };
    view! {
        <div class="redirect-uri">
            <span class="redirect-label">{label}</span>
            <code>{uri}</code>
            <button type="button" class="btn btn-secondary btn-sm" on:click=copy>"Copy"</button>
            <span class="copy-status" role="status">{move || copied.get().then_some("Copied")}</span>
        </div>
    }
}
