//! The notice Settings › Applications shows after an action, and the state the page shares
//! with its cards (the running actions, the card that started one, the notice shown).

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::api::{DisconnectAccount, RefreshConnection};
use super::{ConnectOutcome, ProviderId};
use crate::error::AppError;
use crate::flash::{ConnectNotice, seeded_action, use_flash};

/// What the page tells the person after an action: in the card of `provider` (at the top when
/// there is none), until the next action; success fades after a few seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The card it belongs to.
    pub provider: Option<ProviderId>,
    /// `success`, `info` or `error`.
    pub level: &'static str,
    /// The sentence.
    pub message: String,
    /// The outcome's URL name, for tests (`data-outcome`).
    pub outcome: Option<&'static str>,
    /// Tells two equal messages apart, so that the fade of one does not remove the next.
    pub serial: u32,
}

impl Notice {
    fn outcome(provider: ProviderId, outcome: ConnectOutcome, serial: u32) -> Self {
        Self {
            provider: Some(provider),
            level: outcome.level(),
            message: outcome.message(provider),
            outcome: Some(outcome.as_str()),
            serial,
        }
    }

    fn connected(notice: ConnectNotice) -> Self {
        let mut shown = Self::outcome(notice.provider, notice.outcome, 0);
        if notice.outcome == ConnectOutcome::Connected {
            shown
                .message
                .push_str(&filled_sentence(notice.provider, &notice.filled));
        }
        shown
    }

    /// What an action answered; a failure goes to the card of `acting`, the provider whose
    /// card started it, when known.
    fn answer(
        answer: Result<(ProviderId, ConnectOutcome), AppError>,
        acting: Option<ProviderId>,
        serial: u32,
    ) -> Self {
        match answer {
            Ok((p, outcome)) => Self::outcome(p, outcome, serial),
            Err(err) => Self::error(acting, &err, serial),
        }
    }

    fn error(provider: Option<ProviderId>, err: &AppError, serial: u32) -> Self {
        Self {
            provider,
            level: "error",
            message: err.to_string(),
            outcome: None,
            serial,
        }
    }

    /// Whether it goes away by itself: good news does, problems stay until the next action.
    pub fn transient(&self) -> bool {
        self.level != "error"
    }
}

/// " Your name and picture were filled from it.", or what the profile kept.
fn filled_sentence(provider: ProviderId, filled: &[String]) -> String {
    match filled {
        [] => " Your profile's name and picture were already set, so they were kept.".to_owned(),
        [one] => format!(
            " Your profile's {one} was filled from {}.",
            provider.label()
        ),
        _ => format!(
            " Your profile's {} were filled from {}.",
            filled.join(" and "),
            provider.label()
        ),
    }
}

/// The page's shared state, for the cards.
#[derive(Clone, Copy)]
pub struct PageActions {
    /// Disconnect, from any card's dialog.
    pub disconnect: ServerAction<DisconnectAccount>,
    /// Refresh, from any card.
    pub refresh: ServerAction<RefreshConnection>,
    /// The provider whose card started the running action.
    pub acting: RwSignal<Option<ProviderId>>,
    /// What the page tells the person now.
    pub notice: RwSignal<Option<Notice>>,
}

impl PageActions {
    /// The page's actions and its first notice; later answers replace the notice (client
    /// side; the first one came with the page).
    pub fn for_page() -> Self {
        let disconnect = seeded_action::<DisconnectAccount>(|_| true);
        let refresh = seeded_action::<RefreshConnection>(|_| true);
        let acting = RwSignal::new(None::<ProviderId>);
        let notice = RwSignal::new(first_notice(disconnect, refresh));
        let serial = StoredValue::new(1u32);
        let next_serial = move || {
            serial.update_value(|s| *s += 1);
            serial.get_value()
        };
        Effect::watch(
            move || disconnect.version().get(),
            move |_, _, _| {
                let answer = disconnect.value().get_untracked().map(disconnected);
                notice
                    .set(answer.map(|a| Notice::answer(a, acting.get_untracked(), next_serial())));
            },
            false,
        );
        Effect::watch(
            move || refresh.version().get(),
            move |_, _, _| {
                let answer = refresh.value().get_untracked();
                notice
                    .set(answer.map(|a| Notice::answer(a, acting.get_untracked(), next_serial())));
            },
            false,
        );
        Self {
            disconnect,
            refresh,
            acting,
            notice,
        }
    }

    /// Whether `action`'s request for `provider` is on its way.
    pub fn pending_for(self, pending: Memo<bool>, provider: ProviderId) -> bool {
        pending.get() && self.acting.get() == Some(provider)
    }
}

/// The notice the page opens with: how the connect flow that led here ended, or what a form
/// posted without JavaScript answered (both from the session's one-time flash).
fn first_notice(
    disconnect: ServerAction<DisconnectAccount>,
    refresh: ServerAction<RefreshConnection>,
) -> Option<Notice> {
    if let Some(connected) = use_flash().and_then(|f| f.take_connect()) {
        return Some(Notice::connected(connected));
    }
    // A flash holds one answer: at most one of the two actions starts with a value.
    let answer = disconnect.value().get_untracked().map(disconnected);
    answer
        .or_else(|| refresh.value().get_untracked())
        .map(|a| Notice::answer(a, None, 0))
}

/// A disconnect's answer as an outcome, like Refresh's.
fn disconnected(
    answer: Result<ProviderId, AppError>,
) -> Result<(ProviderId, ConnectOutcome), AppError> {
    answer.map(|p| (p, ConnectOutcome::Disconnected))
}

/// Seconds a transient notice stays before it fades (the CSS fade matches, for pages without
/// JavaScript).
const TRANSIENT_SECONDS: u64 = 8;

/// A notice: announced (`status`, or `alert` for problems), focused when it appears so that
/// keyboard and screen-reader users land on it, and removed after a while when transient.
#[component]
pub fn NoticeView(notice: Notice, page: PageActions) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let role = if notice.level == "error" {
        "alert"
    } else {
        "status"
    };
    let class = format!(
        "alert alert-{}{}",
        notice.level,
        if notice.transient() {
            " alert-transient"
        } else {
            ""
        }
    );
    let serial = notice.serial;
    let transient = notice.transient();
    let card_heading = notice.provider.map(|p| format!("app-{}", p.slug()));
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    if transient {
        Effect::new(move |_| {
            let heading = card_heading.clone();
            set_timeout(
                move || {
                    let had_focus = node
                        .get_untracked()
                        .zip(document().active_element())
                        .is_some_and(|(el, active)| {
                            let el: &leptos::web_sys::Element = el.as_ref();
                            el == &active
                        });
                    page.notice.update(|n| {
                        if n.as_ref().is_some_and(|n| n.serial == serial) {
                            *n = None;
                        }
                    });
                    // Focus stays where it was read: on the card's heading, not the page's body.
                    if had_focus
                        && let Some(el) = heading.and_then(|id| document().get_element_by_id(&id))
                        && let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>()
                    {
                        let _ = el.focus();
                    }
                },
                std::time::Duration::from_secs(TRANSIENT_SECONDS),
            );
        });
    }
    view! {
        <div node_ref=node class=class role=role tabindex="-1" data-outcome=notice.outcome>
            {notice.message}
        </div>
    }
}
