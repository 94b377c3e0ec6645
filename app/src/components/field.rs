use leptos::html::Input;
use leptos::prelude::*;

use crate::error::AppError;

/// A labelled input. When the form's last error names this field, the message is shown under
/// it, the input is marked invalid, and, when it is the first field named, it takes the focus.
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
    let typed = crate::flash::use_flash().and_then(|f| f.typed(name, id_prefix));
    let value = match typed {
        Some(typed) => Some(Signal::stored(typed)),
        None => value,
    };
    let id = field_id(id_prefix, key);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = field_message(error, key);
    let described_by = described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message);
    let node = NodeRef::<Input>::new();
    focus_on_error(node, error, key);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                node_ref=node
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
            <FieldMessage id=error_id message=message/>
        </div>
    }
}

/// A labelled checkbox (`value="on"` when ticked), with its error beside it like [`TextField`].
#[component]
pub fn CheckField(
    /// Visible label text.
    #[prop(into)]
    label: String,
    /// The form field name; its last `[segment]` is the error's `field`.
    name: &'static str,
    /// Makes the input's id unique when several forms on a page share field names.
    #[prop(optional)]
    id_prefix: Option<&'static str>,
    /// Ticked when the form is shown.
    #[prop(default = false)]
    checked: bool,
    /// The form's last error, if any.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let key = field_key(name);
    let id = field_id(id_prefix, key);
    let error_id = format!("{id}-error");
    let message = field_message(error, key);
    let described_by = described_by(None, error_id.clone(), message);
    let node = NodeRef::<Input>::new();
    focus_on_error(node, error, key);
    let label_for = id.clone();
    view! {
        <div class="check-field">
            <label class="switch" for=label_for>
                <input
                    node_ref=node
                    type="checkbox"
                    id=id
                    name=name
                    value="on"
                    checked=checked
                    aria-invalid=move || message.get().is_some().then_some("true")
                    aria-describedby=described_by
                />
                <span>{label}</span>
            </label>
            <FieldMessage id=error_id message=message/>
        </div>
    }
}

/// The message under a field, while there is one.
#[component]
fn FieldMessage(id: String, message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="field-error" id=id.clone()>{m}</p> })
    }
}

/// `token_url` for `input[settings][token_url]`: the name errors use for a nested form field.
fn field_key(name: &str) -> &str {
    name.rsplit('[')
        .next()
        .unwrap_or(name)
        .trim_end_matches(']')
}

fn field_id(prefix: Option<&str>, key: &str) -> String {
    match prefix {
        Some(prefix) => format!("field-{prefix}-{key}"),
        None => format!("field-{key}"),
    }
}

/// What the form's last error says about the field `key`, while it says anything.
fn field_message(error: Signal<Option<AppError>>, key: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.message_for(key)))
}

/// Focuses `node` whenever the form's error names `key` first, so that after a submission the
/// keyboard is where the first correction is needed. A field inside a closed `<details>` (the
/// admin's "Advanced" section) could not take the focus: the section is opened first. Effects
/// run only in the browser; a page rendered without JavaScript has nothing to focus.
fn focus_on_error(node: NodeRef<Input>, error: Signal<Option<AppError>>, key: &'static str) {
    Effect::new(move |_| {
        let first = error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(key));
        if !first {
            return;
        }
        if let Some(input) = node.get() {
            if let Ok(Some(details)) = input.closest("details:not([open])") {
                let _ = details.set_attribute("open", "");
            }
            let _ = input.focus();
        }
    });
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
