//! Settings › Applications: a card per offered provider (and per provider the user is still
//! linked to), with Connect or the connected account; the outcome of the last action is shown
//! in the card it concerns, announced, and given focus.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ApplicationCard;
use super::ProviderId;
use super::api::list_applications;
use super::card::AppCard;
use super::notice::{NoticeView, PageActions};
use crate::error::AppError;

/// Settings › Applications.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let page = PageActions::for_page();
    let PageActions {
        disconnect,
        refresh,
        notice,
        ..
    } = page;
    let cards = Resource::new(
        move || (disconnect.version().get(), refresh.version().get()),
        |_| list_applications(),
    );
    view! {
        <Title text="Applications · Orga Connect"/>
        <header class="page-header">
            <h1>"Applications"</h1>
            <p class="muted">"Social accounts connected to your profile. Connecting fills your empty name and picture; it never overwrites what you set."</p>
        </header>
        {move || {
            let shown = notice.get().filter(|n| n.provider.is_none());
            shown.map(|n| view! { <NoticeView notice=n page=page/> })
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let cards = cards.await;
                // A notice about a provider without a card (not offered) shows above the cards.
                let listed: Vec<ProviderId> = cards.as_ref().map(|l| l.iter().map(|c| c.provider).collect()).unwrap_or_default();
                let orphan = move || {
                    notice.get()
                        .filter(|n| n.provider.is_some_and(|p| !listed.contains(&p)))
                        .map(|n| view! { <NoticeView notice=n page=page/> })
                };
                let body = card_list(cards, page);
                view! { {orphan} {body} }
            })}
        </Transition>
    }
}

/// The cards, or why there are none.
fn card_list(cards: Result<Vec<ApplicationCard>, AppError>, page: PageActions) -> AnyView {
    match cards {
        Ok(list) if list.is_empty() => view! {
            <div class="card empty-state">
                <h2>"No applications available"</h2>
                <p>"An administrator has not set up any social account provider on this server yet."</p>
            </div>
        }.into_any(),
        Ok(list) => view! {
            <div class="app-grid">
                {list.into_iter().map(|card| view! { <AppCard card=card page=page/> }).collect_view()}
            </div>
        }.into_any(),
        Err(err) => view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any(),
    }
}
