//! Admin › Social apps: one card per provider.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ProviderSettingsView;
use super::api::{SaveProviderSettings, get_provider_settings, list_provider_settings};
use super::fields::{AdvancedFields, CopyableUrl};
use crate::components::{CheckField, ErrorAlert, ProviderMark, TextField, TransientFlash};
use crate::connections::ProviderId;
use crate::error::AppError;
use crate::flash::seeded_action;

/// The field of the confirmation asked for before a provider that people use stops being
/// offered (`input[confirm_disable]`).
const CONFIRM_FIELD: &str = "confirm_disable";

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
    // badges and the count update); other cards keep whatever is being typed into them.
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
            {move || saved().then(|| view! { <TransientFlash message=format!("{} settings saved.", provider.label())/> })}
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
    let asks_confirmation = move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.message_for(CONFIRM_FIELD))
                .is_some()
        })
    };
    // Asked after the admin unticked "Offer": without JavaScript the page is drawn again from
    // what is stored, and the box must stay unticked for the confirmed post to turn it off.
    let offer_ticked = s.enabled && !untrack(asks_confirmation);
    let users = s.connected_users;
    view! {
        <CardHead provider=p sandbox=s.sandbox || s.left_by_demo offered=s.offered users=users/>
        <StoredProblems provider=p secret_unreadable=s.secret_unreadable left_by_demo=s.left_by_demo/>
        <CopyableUrl label="Redirect URI to register" uri=s.redirect_uri.clone()/>
        {s.meta_callbacks.clone().map(|urls| view! {
            <CopyableUrl label="Deauthorize callback URL" uri=urls.deauthorize/>
            <CopyableUrl label="Data deletion request URL" uri=urls.data_deletion/>
        })}
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <ErrorAlert error=error/>
            <input type="hidden" name="input[provider]" value=prefix/>
            <CheckField
                label=format!("Offer {} to users", p.label()) name="input[enabled]" id_prefix=prefix
                checked=offer_ticked error=error
            />
            {move || asks_confirmation().then(|| view! {
                <CheckField
                    label=confirm_label(p, users) name="input[confirm_disable]" id_prefix=prefix error=error
                />
            })}
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
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()
                    aria-busy=move || save.pending().get().then_some("true")>
                    {move || if save.pending().get() { format!("Saving {}…", p.label()) } else { format!("Save {}", p.label()) }}
                </button>
            </div>
        </ActionForm>
    }
}

/// Why stored settings are not offered although enabled: a secret this server cannot open, or
/// settings demo mode left pointing at the sandbox. Both go away with a save.
#[component]
fn StoredProblems(
    provider: ProviderId,
    secret_unreadable: bool,
    left_by_demo: bool,
) -> impl IntoView {
    let label = provider.label();
    view! {
        {secret_unreadable.then(|| view! {
            <p class="alert alert-error" data-testid="secret-unreadable">
                {format!(
                    "Re-enter the client secret. The saved one can no longer be decrypted with this server's \
                     SECRET_KEY, so {label} is not offered to users."
                )}
            </p>
        })}
        {left_by_demo.then(|| view! {
            <p class="alert alert-info" data-testid="left-by-demo">
                {format!(
                    "These settings were written by demo mode and point at the sandbox, so {label} is not \
                     offered to users while the server runs without demo mode. Enter the real app's \
                     credentials, or save to keep these."
                )}
            </p>
        })}
    }
}

/// "Yes, stop offering X to its 3 connected users".
fn confirm_label(provider: ProviderId, users: u64) -> String {
    let whom = match users {
        1 => "its 1 connected user".to_owned(),
        n => format!("its {n} connected users"),
    };
    format!("Yes, stop offering {} to {whom}", provider.label())
}

/// "Connected by 3 users", on the provider's card.
fn connected_by(users: u64) -> String {
    match users {
        0 => "Not connected by anyone yet".to_owned(),
        1 => "Connected by 1 user".to_owned(),
        n => format!("Connected by {n} users"),
    }
}

/// The provider's mark, name, whether it is offered, and how many users connected it.
#[component]
fn CardHead(provider: ProviderId, sandbox: bool, offered: bool, users: u64) -> impl IntoView {
    let prefix = provider.slug();
    view! {
        <div class="provider-head">
            <ProviderMark provider=provider/>
            <h2 id=format!("provider-{prefix}")>{provider.label()}</h2>
            {sandbox.then(|| view! { <span class="badge badge-sandbox">"Sandbox"</span> })}
            {if offered {
                view! { <span class="badge badge-on">"Offered to users"</span> }.into_any()
            } else {
                view! { <span class="badge badge-off">"Not offered"</span> }.into_any()
            }}
            <span class="provider-users muted" data-testid="connected-users">{connected_by(users)}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(connected_by(0), "Not connected by anyone yet");
        assert_eq!(connected_by(1), "Connected by 1 user");
        assert_eq!(connected_by(3), "Connected by 3 users");
        assert_eq!(
            confirm_label(ProviderId::X, 1),
            "Yes, stop offering X to its 1 connected user"
        );
        assert_eq!(
            confirm_label(ProviderId::Google, 2),
            "Yes, stop offering Google to its 2 connected users"
        );
    }
}
