//! One provider's card on Settings › Applications: Connect, or the connected account with its
//! health, details and actions. Every action works as a plain form without JavaScript; with
//! it, buttons show that they are busy and the confirmation is a modal dialog.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::notice::{NoticeView, PageActions};
use super::{ApplicationCard, ConnectionView, LinkStatus, ProviderId};
use crate::components::{Avatar, ProviderMark};

/// A provider's card.
#[component]
pub(super) fn AppCard(card: ApplicationCard, page: PageActions) -> impl IntoView {
    let p = card.provider;
    let heading = format!("app-{}", p.slug());
    let labelled_by = heading.clone();
    let node = NodeRef::new();
    crate::components::mark_hydrated(node);
    let notice = move || page.notice.get().filter(|n| n.provider == Some(p));
    let offered = card.offered;
    view! {
        <section node_ref=node class="card app-card" class:app-card-retired=!offered aria-labelledby=labelled_by data-provider=p.slug()>
            <div class="provider-head">
                <ProviderMark provider=p/>
                <h2 id=heading tabindex="-1">{p.label()}</h2>
                {card.sandbox.then(|| view! { <span class="badge badge-sandbox" title="Uses the built-in provider sandbox, not the real provider">"Sandbox"</span> })}
                {card.connection.as_ref().map(|c| status_badge(c.status))}
            </div>
            {move || notice().map(|n| view! { <NoticeView notice=n page=page/> })}
            {match card.connection {
                Some(c) if !offered => view! { <NotOffered provider=p connection=c page=page/> }.into_any(),
                Some(c) if c.status == LinkStatus::Removed => view! {
                    <Removed provider=p connection=c page=page/>
                }.into_any(),
                Some(c) => view! { <Connected provider=p connection=c manage_url=card.manage_url page=page/> }.into_any(),
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

/// The connect flow's form: Connect, or Reconnect (the same flow, which keeps the link). A
/// plain POST that leaves for the provider; with JavaScript the button is busy from the first
/// click, so a double click starts one flow, not two.
#[component]
fn ConnectButton(provider: ProviderId, label: String) -> impl IntoView {
    let pending = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        if pending.get_untracked() {
            ev.prevent_default();
        } else {
            pending.set(true);
        }
    };
    // Coming back with the Back button shows the page as it was left: ready again.
    let listener = window_event_listener(leptos::ev::pageshow, move |_| pending.set(false));
    on_cleanup(move || listener.remove());
    let busy_label = format!("Connecting {}…", provider.label());
    view! {
        <form method="post" action=format!("/auth/{}/connect", provider.slug()) on:submit=on_submit>
            <button type="submit" class="btn btn-primary" disabled=move || pending.get()
                aria-busy=move || pending.get().then_some("true")>
                {move || if pending.get() { busy_label.clone() } else { label.clone() }}
            </button>
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
                    " · checked "
                    <time datetime=connection.checked_at.unwrap_or_default() title=connection.checked_on.unwrap_or_default()>{ago}</time>
                })}
            </p>
        }
        .into_any(),
    }
}

/// Who the account is, as the provider shows it: picture, name, handle or email, profile link.
#[component]
fn Account(provider: ProviderId, connection: ConnectionView) -> impl IntoView {
    let name = connection
        .display_name
        .clone()
        .or_else(|| connection.username.clone())
        .unwrap_or_else(|| provider.label().to_owned());
    let which = connection
        .username
        .clone()
        .map(|u| format!("@{u}"))
        .or(connection.email.clone());
    view! {
        <div class="account">
            <Avatar src=connection.avatar_url.clone() name=name.clone() class="avatar avatar-md"/>
            <div class="account-text">
                <p class="account-name">{name}</p>
                {which.map(|w| view! { <p class="muted account-handle">{w}</p> })}
                {connection.profile_url.clone().map(|href| view! {
                    <a href=href target="_blank" rel="noopener noreferrer">{format!("View profile on {}", provider.label())}</a>
                })}
            </div>
        </div>
    }
}

/// When it was connected, what it may do, and where to manage that at the provider.
#[component]
fn Details(provider: ProviderId, connection: ConnectionView, manage_url: String) -> impl IntoView {
    let scopes = connection.scopes.clone();
    view! {
        <dl class="link-details small">
            <dt>"Connected on"</dt>
            <dd><time datetime=connection.connected_at.clone()>{connection.connected_on.clone()}</time></dd>
            <dt>"Permissions"</dt>
            <dd>
                {if scopes.is_empty() {
                    view! { <span class="muted">"Not reported by the provider"</span> }.into_any()
                } else {
                    view! { <ul class="scopes">{scopes.into_iter().map(|s| view! { <li><code>{s}</code></li> }).collect_view()}</ul> }.into_any()
                }}
            </dd>
        </dl>
        <p class="small">
            <a href=manage_url target="_blank" rel="noopener noreferrer">
                {format!("Manage Orga Connect's access on {}", provider.label())}
            </a>
        </p>
    }
}

#[component]
fn Connected(
    provider: ProviderId,
    connection: ConnectionView,
    manage_url: String,
    page: PageActions,
) -> impl IntoView {
    let refresh = page.refresh;
    let busy = Memo::new(move |_| page.pending_for(refresh.pending(), provider));
    view! {
        <Account provider=provider connection=connection.clone()/>
        <LinkHealth provider=provider connection=connection.clone()/>
        <Details provider=provider connection=connection manage_url=manage_url/>
        <div class="card-actions">
            <ActionForm action=refresh attr:class="inline-form">
                <input type="hidden" name="provider" value=provider.slug()/>
                <button type="submit" class="btn btn-secondary" disabled=move || busy.get()
                    aria-busy=move || busy.get().then_some("true")
                    on:click=move |_| page.acting.set(Some(provider))
                    title=format!("Check your {} account now and update its details", provider.label())>
                    {move || if busy.get() { "Refreshing…" } else { "Refresh" }}
                </button>
            </ActionForm>
            <DisconnectDialog provider=provider page=page/>
        </div>
    }
}

/// A link the provider told us the person removed: only the fact remains.
#[component]
fn Removed(provider: ProviderId, connection: ConnectionView, page: PageActions) -> impl IntoView {
    let on = connection
        .status_changed_on
        .map(|day| format!(" on {day}"))
        .unwrap_or_default();
    view! {
        <p class="link-health link-health-warn">{format!("{} removed access{on}. Orga Connect no longer holds anything from it.", provider.label())}</p>
        <div class="card-actions">
            <ConnectButton provider=provider label=format!("Connect {} again", provider.label())/>
            <DisconnectDialog provider=provider page=page/>
        </div>
    }
}

/// A link to a provider this server stopped offering: it can be seen and disconnected, not
/// refreshed or reconnected.
#[component]
fn NotOffered(
    provider: ProviderId,
    connection: ConnectionView,
    page: PageActions,
) -> impl IntoView {
    view! {
        <Account provider=provider connection=connection/>
        <p class="link-health link-health-warn">"No longer offered by this server. You can still disconnect it."</p>
        <div class="card-actions">
            <DisconnectDialog provider=provider page=page/>
        </div>
    }
}

/// Disconnect, after a confirmation that can be cancelled: a modal `<dialog>` opened by an
/// invoker command, so that it works without JavaScript in browsers that have them; focus goes
/// into the dialog and back to the button, and Escape or Cancel closes it.
#[component]
fn DisconnectDialog(provider: ProviderId, page: PageActions) -> impl IntoView {
    let disconnect = page.disconnect;
    let busy = Memo::new(move |_| page.pending_for(disconnect.pending(), provider));
    let id = format!("disconnect-{}", provider.slug());
    let title_id = format!("{id}-title");
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // Where invoker commands are missing, the click opens it; where they exist, the command
    // finds it open and does nothing more.
    let open = move |_| {
        if let Some(d) = dialog.get()
            && !d.open()
        {
            let _ = d.show_modal();
        }
    };
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    // The answer arrived: the dialog's work is done (the notice in the card says how it went).
    Effect::watch(
        move || disconnect.version().get(),
        move |_, _, _| close(()),
        false,
    );
    let label = provider.label();
    view! {
        <button type="button" class="btn btn-danger" commandfor=id.clone() command="show-modal" on:click=open
            aria-haspopup="dialog">
            "Disconnect"
        </button>
        <dialog node_ref=dialog id=id.clone() class="confirm-dialog" aria-labelledby=title_id.clone()>
            <h3 id=title_id.clone()>{format!("Disconnect {label}?")}</h3>
            <p>{format!("Orga Connect deletes its access to your {label} account and asks {label} to revoke it. You can connect again later.")}</p>
            <div class="dialog-actions">
                <button type="button" class="btn btn-secondary" commandfor=id.clone() command="close" on:click=move |_| close(()) autofocus>
                    "Cancel"
                </button>
                <ActionForm action=disconnect attr:class="inline-form">
                    <input type="hidden" name="provider" value=provider.slug()/>
                    <button type="submit" class="btn btn-danger" disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")
                        on:click=move |_| page.acting.set(Some(provider))>
                        {move || if busy.get() { format!("Disconnecting {label}…") } else { format!("Yes, disconnect {label}") }}
                    </button>
                </ActionForm>
            </div>
        </dialog>
    }
}
