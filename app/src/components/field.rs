use leptos::prelude::*;

use crate::error::AppError;

/// A labelled input. When the form's last error names this field, the message is shown under
/// it and the input is marked invalid.
#[component]
pub fn TextField(
    /// Visible label text.
    label: &'static str,
    /// The form field name; its last `[segment]` (or the whole name) is the error's `field`.
    name: &'static str,
    /// Makes the input's id unique when several forms on a page share field names.
    #[prop(optional)]
    id_prefix: Option<&'static str>,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: Option<String>,
    /// The input type: `text`, `email`, `password`, `url`…
    #[prop(default = "text")]
    kind: &'static str,
    /// The browser's autocomplete hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Whether the field must be filled in.
    #[prop(default = false)]
    required: bool,
    /// A line of help under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Initial value.
    #[prop(optional, into)]
    value: Option<Signal<String>>,
    /// The form's last error, if any.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let key = field_key(name);
    // What was typed before a plain form post failed comes back (never a password: the flash
    // does not keep those).
    let value = match use_context::<crate::flash::TypedValues>().and_then(|t| t.get(name)) {
        Some(typed) => Some(Signal::stored(typed)),
        None => value,
    };
    let id = match id_prefix {
        Some(prefix) => format!("field-{prefix}-{key}"),
        None => format!("field-{key}"),
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field() == Some(key))
            .map(|e| e.to_string())
    });
    let described_by = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                placeholder=placeholder
                required=required
                value=move || value.map(|v| v.get())
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// `token_url` for `input[settings][token_url]`: the name errors use for a nested form field.
fn field_key(name: &str) -> &str {
    name.rsplit('[')
        .next()
        .unwrap_or(name)
        .trim_end_matches(']')
}

/// The ids that describe an input: its hint, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    message: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
    move || {
        let ids: Vec<String> = hint_id
            .clone()
            .into_iter()
            .chain(message.get().map(|_| error_id.clone()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}
