use leptos::html::Details;
use leptos::prelude::*;

/// A destructive action behind a second step: `summary` opens a box with `question`, the
/// action (`children`, its form) and Cancel. A `<details>` disclosure, so it works without
/// JavaScript; Cancel closes it in place, or without JavaScript reloads the page (closed).
#[component]
pub fn Confirm(
    /// The button that opens the box, e.g. "Delete my account".
    summary: &'static str,
    /// What is about to happen, as a question.
    #[prop(into)]
    question: String,
    /// Opens the box when true (an error of the action inside it must stay visible).
    #[prop(optional, into)]
    open: Option<Signal<bool>>,
    /// The form that does it.
    children: Children,
) -> impl IntoView {
    let details = NodeRef::<Details>::new();
    let cancel = move |ev: leptos::ev::MouseEvent| {
        if let Some(el) = details.get() {
            ev.prevent_default();
            let _ = el.remove_attribute("open");
        }
    };
    view! {
        <details class="confirm" node_ref=details open=move || open.is_some_and(|o| o.get())>
            <summary class="btn btn-danger">{summary}</summary>
            <div class="confirm-body">
                <p>{question}</p>
                <div class="confirm-actions">
                    {children()}
                    <form method="get" class="inline-form">
                        <button type="submit" class="btn btn-secondary" on:click=cancel>"Cancel"</button>
                    </form>
                </div>
            </div>
        </details>
    }
    .into_any()
}
