use std::time::Duration;

use leptos::prelude::*;

use crate::error::AppError;

/// The error of the last submission of a form, announced to screen readers. When the error is
/// about fields, each field shows its own message: this only says that there is something to
/// correct, so no message is shown (or read out) twice.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            let text = match err.field_count() {
                0 => err.to_string(),
                1 => "Please correct the highlighted field.".to_owned(),
                _ => "Please correct the highlighted fields.".to_owned(),
            };
            view! { <div class="alert alert-error" role="alert">{text}</div> }
        })
    }
}

/// A one-line message after an action: `kind` is `success`, `info` or `error`. Good news fades
/// after a few seconds (CSS, so also without JavaScript); problems stay.
#[component]
pub fn Flash(#[prop(into)] kind: String, #[prop(into)] message: String) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    let transient = if kind == "error" {
        ""
    } else {
        " alert-transient"
    };
    view! { <div class=format!("alert alert-{kind}{transient}") role=role>{message}</div> }
}

/// How long a [`TransientFlash`] stays: long enough to be read, and announced by a screen
/// reader (its `role="status"` is polite: it waits for what is being read to finish). The
/// stylesheet's `alert-transient` fade starts 0.6 s before the end.
pub const TRANSIENT_FOR: Duration = Duration::from_secs(6);

/// A success message that fades and leaves after [`TRANSIENT_FOR`], in the browser; a page
/// without JavaScript keeps it. Each new instance (a new save) starts its own time.
#[component]
pub fn TransientFlash(#[prop(into)] message: String) -> impl IntoView {
    let shown = RwSignal::new(true);
    // Set only in the browser, so the server's HTML and the hydrated page agree at first.
    let fading = RwSignal::new(false);
    Effect::new(move |_| {
        fading.set(true);
        if let Ok(timer) = set_timeout_with_handle(move || shown.set(false), TRANSIENT_FOR) {
            on_cleanup(move || timer.clear());
        }
    });
    move || {
        shown.get().then(|| {
            view! {
                <div class="alert alert-success" class:alert-transient=move || fading.get() role="status">
                    {message.clone()}
                </div>
            }
        })
    }
}
