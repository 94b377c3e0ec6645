use leptos::prelude::*;

use crate::error::AppError;

/// The error of the last submission of a form, announced to screen readers.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            view! {
                <div class="alert alert-error" role="alert">
                    {err.to_string()}
                </div>
            }
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
