//! Settings › Applications: a card per offered provider, Connect or the connected account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{DisconnectAccount, list_applications};
use super::{ApplicationCard, ConnectOutcome, ConnectionView, ProviderId};
use crate::components::{Avatar, Flash};

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
    let cards = Resource::new(move || disconnect.version().get(), |_| list_applications());
    let query = use_query_map();
    let flash = move || match disconnect.value().get() {
        Some(Ok(p)) => {
            let outcome = ConnectOutcome::Disconnected;
            Some((outcome.level().to_owned(), outcome.message(p)))
        }
        Some(Err(err)) => Some(("error".to_owned(), err.to_string())),
        None => outcome_from_query(&query.read())
            .map(|(p, outcome)| (outcome.level().to_owned(), outcome.message(p))),
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
                            {list.into_iter().map(|card| view! { <AppCard card=card disconnect=disconnect/> }).collect_view()}
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
fn AppCard(card: ApplicationCard, disconnect: ServerAction<DisconnectAccount>) -> impl IntoView {
    let p = card.provider;
    let heading = format!("app-{}", p.slug());
    let labelled_by = heading.clone();
    let node = NodeRef::new();
    crate::components::mark_hydrated(node);
    view! {
        <section node_ref=node class="card app-card" aria-labelledby=labelled_by>
            <div class="provider-head">
                <span class=format!("provider-logo provider-{}", p.slug()) aria-hidden="true">{p.label().chars().next()}</span>
                <h2 id=heading>{p.label()}</h2>
                {card.sandbox.then(|| view! { <span class="badge badge-sandbox" title="Uses the built-in provider sandbox, not the real provider">"Sandbox"</span> })}
                {card.connection.is_some().then(|| view! { <span class="badge badge-on">"Connected"</span> })}
            </div>
            {match card.connection {
                Some(c) => view! { <Connected provider=p connection=c disconnect=disconnect/> }.into_any(),
                None => view! {
                    <p class="muted">{format!("Connect your {} account to show it on your profile.", p.label())}</p>
                    <form method="post" action=format!("/auth/{}/connect", p.slug())>
                        <button type="submit" class="btn btn-primary">{format!("Connect {}", p.label())}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Connected(
    provider: ProviderId,
    connection: ConnectionView,
    disconnect: ServerAction<DisconnectAccount>,
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
