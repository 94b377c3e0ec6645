//! Settings › Applications: a card per offered provider, Connect or the connected account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{DisconnectAccount, RefreshConnection, list_applications};
use super::{ApplicationCard, ConnectOutcome, ConnectionView, LinkStatus, ProviderId};
use crate::components::{Avatar, Flash, ProviderMark};

/// The outcome a flow or a form post came back with, from the query string.
fn outcome_from_query(
    query: &leptos_router::params::ParamsMap,
) -> Option<(ProviderId, ConnectOutcome)> {
    let provider = query.get("provider")?.parse().ok()?;
    let outcome = query.get("outcome")?.parse().ok()?;
    Some((provider, outcome))
}

/// Settings › Applications.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let disconnect = ServerAction::<DisconnectAccount>::new();
    let refresh = ServerAction::<RefreshConnection>::new();
    let cards = Resource::new(
        move || (disconnect.version().get(), refresh.version().get()),
        |_| list_applications(),
    );
    let query = use_query_map();
    let words = |(p, outcome): (ProviderId, ConnectOutcome)| {
        (outcome.level().to_owned(), outcome.message(p))
    };
    // One message at a time: the latest action's.
    Effect::new(move |_| {
        if disconnect.version().get() > 0 {
            refresh.value().set(None);
        }
    });
    Effect::new(move |_| {
        if refresh.version().get() > 0 {
            disconnect.value().set(None);
        }
    });
    let flash = move || match (disconnect.value().get(), refresh.value().get()) {
        (_, Some(Ok(refreshed))) => Some(words(refreshed)),
        (Some(Ok(p)), _) => Some(words((p, ConnectOutcome::Disconnected))),
        (_, Some(Err(err))) | (Some(Err(err)), _) => Some(("error".to_owned(), err.to_string())),
        _ => outcome_from_query(&query.read()).map(words),
    };
    view! {
        <Title text="Applications · Orga Connect"/>
        <header class="page-header">
            <h1>"Applications"</h1>
            <p class="muted">"Social accounts connected to your profile. Connecting fills your empty name and picture; it never overwrites what you set."</p>
        </header>
        {move || flash().map(|(kind, message)| view! { <Flash kind=kind message=message/> })}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cards.await {
                    Ok(list) if list.is_empty() => view! {
                        <div class="card empty-state">
                            <h2>"No applications available"</h2>
                            <p>"An administrator has not set up any social account provider on this server yet."</p>
                        </div>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="app-grid">
                            {list.into_iter().map(|card| view! { <AppCard card=card disconnect=disconnect refresh=refresh/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(err) => view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A provider's card.
#[component]
fn AppCard(
    card: ApplicationCard,
    disconnect: ServerAction<DisconnectAccount>,
    refresh: ServerAction<RefreshConnection>,
) -> impl IntoView {
    let p = card.provider;
    let heading = format!("app-{}", p.slug());
    let labelled_by = heading.clone();
    let node = NodeRef::new();
    crate::components::mark_hydrated(node);
    view! {
        <section node_ref=node class="card app-card" aria-labelledby=labelled_by>
            <div class="provider-head">
                <ProviderMark provider=p/>
                <h2 id=heading>{p.label()}</h2>
                {card.sandbox.then(|| view! { <span class="badge badge-sandbox" title="Uses the built-in provider sandbox, not the real provider">"Sandbox"</span> })}
                {card.connection.as_ref().map(|c| status_badge(c.status))}
            </div>
            {match card.connection {
                Some(c) if c.status == LinkStatus::Removed => view! {
                    <Removed provider=p connection=c disconnect=disconnect/>
                }.into_any(),
                Some(c) => view! { <Connected provider=p connection=c disconnect=disconnect refresh=refresh/> }.into_any(),
                None => view! {
                    <p class="muted">{format!("Connect your {} account to show it on your profile.", p.label())}</p>
                    <ConnectButton provider=p label=format!("Connect {}", p.label())/>
                }.into_any(),
            }}
        </section>
    }
}

/// The badge beside the provider's name.
fn status_badge(status: LinkStatus) -> impl IntoView {
    let (class, words) = match status {
        LinkStatus::Active => ("badge badge-on", "Connected"),
        LinkStatus::ReconnectNeeded => ("badge badge-warn", "Reconnect needed"),
        LinkStatus::Removed => ("badge badge-off", "Access removed"),
    };
    view! { <span class=class>{words}</span> }
}

/// The connect flow's form: Connect, or Reconnect (the same flow, which keeps the link).
#[component]
fn ConnectButton(provider: ProviderId, label: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/auth/{}/connect", provider.slug())>
            <button type="submit" class="btn btn-primary">{label}</button>
        </form>
    }
}

/// The link's health in words: "Active · checked 5 minutes ago", or why it needs reconnecting.
#[component]
fn LinkHealth(provider: ProviderId, connection: ConnectionView) -> impl IntoView {
    match connection.status {
        LinkStatus::ReconnectNeeded => {
            let problem = connection
                .problem
                .unwrap_or_else(|| format!("{} no longer grants access", provider.label()));
            view! {
                <p class="link-health link-health-warn">{format!("Reconnect needed — {problem}")}</p>
                <ConnectButton provider=provider label=format!("Reconnect {}", provider.label())/>
            }
            .into_any()
        }
        _ => view! {
            <p class="link-health muted small">
                "Active"
                {connection.checked_ago.map(|ago| view! {
                    " · checked " <time datetime=connection.checked_at.unwrap_or_default()>{ago}</time>
                })}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn Connected(
    provider: ProviderId,
    connection: ConnectionView,
    disconnect: ServerAction<DisconnectAccount>,
    refresh: ServerAction<RefreshConnection>,
) -> impl IntoView {
    let name = connection
        .display_name
        .clone()
        .or_else(|| connection.username.clone())
        .unwrap_or_else(|| provider.label().to_owned());
    view! {
        <div class="account">
            <Avatar src=connection.avatar_url.clone() name=name.clone() alt=format!("{name}'s picture") class="avatar avatar-md"/>
            <div class="account-text">
                <p class="account-name">{name.clone()}</p>
                {connection.username.clone().map(|u| view! { <p class="muted account-handle">{format!("@{u}")}</p> })}
                {connection.profile_url.clone().map(|href| view! {
                    <a href=href target="_blank" rel="noopener noreferrer">{format!("View profile on {}", provider.label())}</a>
                })}
                <p class="muted small">"Connected on " <time datetime=connection.connected_at.clone()>{connection.connected_on.clone()}</time></p>
            </div>
        </div>
        <LinkHealth provider=provider connection=connection/>
        <div class="card-actions">
            <ActionForm action=refresh attr:class="inline-form">
                <input type="hidden" name="provider" value=provider.slug()/>
                <button type="submit" class="btn btn-secondary" disabled=move || refresh.pending().get()
                    title=format!("Check your {} account now and update its details", provider.label())>
                    "Refresh"
                </button>
            </ActionForm>
            <DisconnectConfirm provider=provider disconnect=disconnect/>
        </div>
    }
}

/// A link the provider told us the person removed: only the fact remains.
#[component]
fn Removed(
    provider: ProviderId,
    connection: ConnectionView,
    disconnect: ServerAction<DisconnectAccount>,
) -> impl IntoView {
    let on = connection
        .status_changed_on
        .map(|day| format!(" on {day}"))
        .unwrap_or_default();
    view! {
        <p class="link-health link-health-warn">{format!("{} removed access{on}. Orga Connect no longer holds anything from it.", provider.label())}</p>
        <div class="card-actions">
            <ConnectButton provider=provider label=format!("Connect {} again", provider.label())/>
            <DisconnectConfirm provider=provider disconnect=disconnect/>
        </div>
    }
}

#[component]
fn DisconnectConfirm(
    provider: ProviderId,
    disconnect: ServerAction<DisconnectAccount>,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="btn btn-danger">"Disconnect"</summary>
            <div class="confirm-body">
                <p>{format!("Disconnect your {} account? Orga Connect deletes its access and asks {} to revoke it. You can connect again later.", provider.label(), provider.label())}</p>
                <ActionForm action=disconnect attr:class="inline-form">
                    <input type="hidden" name="provider" value=provider.slug()/>
                    <button type="submit" class="btn btn-danger" disabled=move || disconnect.pending().get()>
                        {format!("Yes, disconnect {}", provider.label())}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}
