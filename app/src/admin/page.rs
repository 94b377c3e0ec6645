//! Admin › Social apps: one card per provider.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ProviderSettingsView;
use super::api::{SaveProviderSettings, get_provider_settings, list_provider_settings};
use crate::components::{ErrorAlert, Flash, TextField};
use crate::connections::{ProviderId, ProviderSettings};
use crate::error::AppError;
use crate::flash::seeded_action;

/// Admin › Social apps.
#[component]
pub fn SocialAppsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| list_provider_settings());
    view! {
        <Title text="Social apps · Admin · Orga Connect"/>
        <header class="page-header">
            <h1>"Social apps"</h1>
            <p class="muted">
                "Register Orga Connect as an app at each provider, then enter its credentials here. "
                "A provider is offered to users once it is enabled and has a client id and secret."
            </p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(list) => list.into_iter().map(|s| view! { <ProviderCard initial=s/> }).collect_view().into_any(),
                    Err(err) => view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One provider's settings form; saving refreshes only this card.
#[component]
fn ProviderCard(initial: ProviderSettingsView) -> impl IntoView {
    let provider = initial.provider;
    // A plain form post (no JavaScript) comes back with its answer for this card only.
    let save = seeded_action::<SaveProviderSettings>(|answer| {
        answer.value("input[provider]") == Some(provider.slug())
    });
    let current = RwSignal::new(initial);
    // After a successful save, show what the server stored (the secret field empties, the
    // badges update); other cards keep whatever is being typed into them.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            leptos::task::spawn_local(async move {
                if let Ok(view) = get_provider_settings(provider).await {
                    current.set(view);
                }
            });
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let heading_id = format!("provider-{}", provider.slug());
    let node = NodeRef::new();
    crate::components::mark_hydrated(node);
    view! {
        <section node_ref=node class="card provider-card" aria-labelledby=heading_id>
            {move || view! { <CardBody s=current.get() save=save error=error/> }}
            {move || saved().then(|| view! { <Flash kind="success" message=format!("{} settings saved.", provider.label())/> })}
        </section>
    }
}

/// A provider's name, badges, URLs to register and settings form.
#[component]
fn CardBody(
    s: ProviderSettingsView,
    save: ServerAction<SaveProviderSettings>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let p = s.provider;
    let prefix = p.slug();
    let v = |value: &str| Signal::stored(value.to_owned());
    let secret_hint = if s.secret_set {
        "A secret is saved. Leave empty to keep it."
    } else {
        "Shown once by the provider; stored encrypted."
    };
    let secret_placeholder = s.secret_set.then(|| "•••••••• (saved)".to_owned());
    view! {
        <CardHead provider=p sandbox=s.sandbox offered=s.offered/>
        <CopyableUrl label="Redirect URI to register" uri=s.redirect_uri.clone()/>
        {s.meta_callbacks.clone().map(|urls| view! {
            <CopyableUrl label="Deauthorize callback URL" uri=urls.deauthorize/>
            <CopyableUrl label="Data deletion request URL" uri=urls.data_deletion/>
        })}
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <ErrorAlert error=error/>
            <input type="hidden" name="input[provider]" value=prefix/>
            <label class="switch">
                <input type="checkbox" name="input[enabled]" value="on" checked=s.enabled/>
                <span>{format!("Offer {} to users", p.label())}</span>
            </label>
            <div class="grid-2">
                <TextField label="Client id" name="input[client_id]" id_prefix=prefix value=v(&s.client_id) error=error/>
                <TextField
                    label="Client secret" name="input[client_secret]" kind="password" id_prefix=prefix autocomplete="new-password"
                    placeholder=secret_placeholder.unwrap_or_default() hint=secret_hint error=error
                />
            </div>
            <TextField label="Scopes" name="input[settings][scopes]" id_prefix=prefix value=v(&s.settings.scopes) error=error/>
            <AdvancedFields provider=p settings=s.settings.clone() error=error/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {format!("Save {}", p.label())}
                </button>
            </div>
        </ActionForm>
    }
}

/// The provider's logo, name and whether it is offered.
#[component]
fn CardHead(provider: ProviderId, sandbox: bool, offered: bool) -> impl IntoView {
    let prefix = provider.slug();
    view! {
        <div class="provider-head">
            <span class=format!("provider-logo provider-{prefix}") aria-hidden="true">{provider.label().chars().next()}</span>
            <h2 id=format!("provider-{prefix}")>{provider.label()}</h2>
            {sandbox.then(|| view! { <span class="badge badge-sandbox">"Sandbox"</span> })}
            {if offered {
                view! { <span class="badge badge-on">"Offered to users"</span> }.into_any()
            } else {
                view! { <span class="badge badge-off">"Not offered"</span> }.into_any()
            }}
        </div>
    }
}

/// "Advanced: endpoints": the issuer of an OpenID Connect provider, the endpoints of the others,
/// and the Graph API version where URLs carry one.
#[component]
fn AdvancedFields(
    provider: ProviderId,
    settings: ProviderSettings,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let prefix = provider.slug();
    let v = |value: &str| Signal::stored(value.to_owned());
    view! {
        <details class="advanced">
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
#[component]
fn CopyableUrl(label: &'static str, uri: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let to_copy = uri.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&to_copy);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_copy;
    };
    view! {
        <div class="redirect-uri">
            <span class="redirect-label">{label}</span>
            <code>{uri}</code>
            <button type="button" class="btn btn-secondary btn-sm" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}
