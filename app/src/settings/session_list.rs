//! Settings › Profile › Signed-in sessions.

use leptos::prelude::*;

use crate::accounts::SessionView;
use crate::accounts::api::{SignOutOtherSessions, SignOutSession, list_sessions};
use crate::components::{Confirm, Flash};
use crate::error::AppError;

/// Where the account is signed in: a row per session, this one marked "This device", the
/// others each with Sign out; and Sign out of all other sessions, behind a confirmation.
/// Reloads when `changed` moves (a password change ends the other sessions).
#[component]
pub fn SessionList(#[prop(into)] changed: Signal<usize>) -> impl IntoView {
    let sign_out = crate::flash::seeded_action::<SignOutSession>(|_| true);
    let sign_out_others = crate::flash::seeded_action::<SignOutOtherSessions>(|_| true);
    let sessions = Resource::new(
        move || {
            (
                changed.get(),
                sign_out.version().get(),
                sign_out_others.version().get(),
            )
        },
        |_| list_sessions(),
    );
    // One message at a time: the latest action's.
    Effect::new(move |_| {
        if sign_out.version().get() > 0 {
            sign_out_others.value().set(None);
        }
    });
    Effect::new(move |_| {
        if sign_out_others.version().get() > 0 {
            sign_out.value().set(None);
        }
    });
    let outcome = move || latest_outcome(sign_out, sign_out_others);
    view! {
        <section class="card" aria-labelledby="sessions">
            <h2 id="sessions">"Signed-in sessions"</h2>
            <p class="muted">"Where your account is signed in. Sign out any session you do not recognise."</p>
            {move || outcome().map(|(kind, message)| view! { <Flash kind=kind message=message/> })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => {
                            let others = list.iter().filter(|s| !s.current).count();
                            view! {
                                <ul class="session-list">
                                    {list.into_iter().map(|s| view! { <SessionRow session=s sign_out=sign_out/> }).collect_view()}
                                </ul>
                                {(others > 0).then(|| view! { <SignOutOthers action=sign_out_others/> })}
                            }
                            .into_any()
                        }
                        Err(err) => view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The words after the latest sign-out: how many ended, or why not.
fn latest_outcome(
    one: ServerAction<SignOutSession>,
    others: ServerAction<SignOutOtherSessions>,
) -> Option<(String, String)> {
    let failed = |err: AppError| Some(("error".to_owned(), err.to_string()));
    match (one.value().get(), others.value().get()) {
        (_, Some(Err(err))) | (Some(Err(err)), _) => failed(err),
        (_, Some(Ok(n))) => Some((
            "success".to_owned(),
            match n {
                1 => "Signed out of 1 other session.".to_owned(),
                n => format!("Signed out of {n} other sessions."),
            },
        )),
        (Some(Ok(())), _) => Some(("success".to_owned(), "Session signed out.".to_owned())),
        _ => None,
    }
}

/// One session: the device, when it signed in, when it was last active; Sign out unless it
/// is this one.
#[component]
fn SessionRow(session: SessionView, sign_out: ServerAction<SignOutSession>) -> impl IntoView {
    let key = session.key.clone();
    // Every row's button waits while one signs out; only that one says so.
    let this_one = Memo::new(move |_| {
        sign_out.pending().get()
            && sign_out
                .input()
                .with(|input| input.as_ref().is_some_and(|i| i.key == key))
    });
    let device = session.device.clone();
    view! {
        <li class="session-item" data-testid="session">
            <div class="session-text">
                <p class="session-device">
                    {session.device.clone()}
                    {session.current.then(|| view! { " " <span class="badge badge-on">"This device"</span> })}
                </p>
                <p class="muted small">
                    "Signed in " <time datetime=session.signed_in_at.clone()>{session.signed_in_words.clone()}</time>
                    " · "
                    {if session.current {
                        view! { "active now" }.into_any()
                    } else {
                        view! { "last active " <time datetime=session.last_seen_at.clone()>{session.last_seen_ago.clone()}</time> }.into_any()
                    }}
                </p>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action=sign_out attr:class="inline-form">
                    <input type="hidden" name="key" value=session.key.clone()/>
                    <button type="submit" class="btn btn-secondary" disabled=move || sign_out.pending().get()
                        aria-busy=move || this_one.get().then_some("true")
                        aria-label=format!("Sign out {device}")>
                        {move || if this_one.get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </ActionForm>
            })}
        </li>
    }
    .into_any()
}

/// Sign out of all other sessions, behind a confirmation.
#[component]
fn SignOutOthers(action: ServerAction<SignOutOtherSessions>) -> impl IntoView {
    let pending = action.pending();
    view! {
        <div class="card-actions">
            <Confirm
                summary="Sign out of all other sessions"
                question="Sign out every other browser and device where your account is signed in? This one stays signed in."
            >
                <ActionForm action=action attr:class="inline-form">
                    <button type="submit" class="btn btn-danger" disabled=move || pending.get()
                        aria-busy=move || pending.get().then_some("true")>
                        {move || if pending.get() { "Signing out…" } else { "Yes, sign out all other sessions" }}
                    </button>
                </ActionForm>
            </Confirm>
        </div>
    }
    .into_any()
}
