//! Settings › Profile › Password.

use leptos::html::Form;
use leptos::prelude::*;

use crate::accounts::api::ChangePassword;
use crate::components::{ErrorAlert, Flash, TextField};

/// Change the password: the current one, then the new one. Success signs out every other
/// session (the list below refreshes from `action`'s version).
#[component]
pub fn ChangePasswordForm(action: ServerAction<ChangePassword>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let changed = move || matches!(action.value().get(), Some(Ok(())));
    let pending = action.pending();
    let form = NodeRef::<Form>::new();
    // Passwords do not stay in the fields once they did their job.
    Effect::new(move |_| {
        if changed()
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <section class="card" aria-labelledby="change-password">
            <h2 id="change-password">"Password"</h2>
            <p class="muted">"Changing your password signs you out on every other device."</p>
            {move || changed().then(|| view! {
                <Flash kind="success" message="Password changed. Every other session is signed out."/>
            })}
            <ActionForm action=action node_ref=form attr:class="form" attr:novalidate=true>
                <ErrorAlert error=error/>
                <TextField
                    label="Current password" name="current_password" kind="password"
                    autocomplete="current-password" required=true error=error
                />
                <TextField
                    label="New password" name="new_password" kind="password" autocomplete="new-password"
                    required=true hint="At least 8 characters." error=error
                />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || pending.get()
                        aria-busy=move || pending.get().then_some("true")>
                        {move || if pending.get() { "Changing password…" } else { "Change password" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
