//! Settings › Profile › Delete account.

use leptos::prelude::*;

use super::api::DeleteAccount;
use crate::components::{Confirm, ErrorAlert, TextField};

/// Delete the account, behind a confirmation and the password. On success the server ends
/// the session and the browser lands on the home page.
#[component]
pub fn DeleteAccountForm() -> impl IntoView {
    let action = crate::flash::seeded_action::<DeleteAccount>(|_| true);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    view! {
        <section class="card danger-zone" aria-labelledby="delete-account">
            <h2 id="delete-account">"Delete account"</h2>
            <p class="muted">
                "Deletes your Orga Connect account and everything it holds. Each connected account is \
                 disconnected, and its provider is asked to revoke Orga Connect's access."
            </p>
            <Confirm
                summary="Delete my account"
                question="Delete your account for good? This cannot be undone. Enter your password to confirm."
                open=Signal::derive(move || error.get().is_some())
            >
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <ErrorAlert error=error/>
                    <TextField
                        label="Your password" name="password" id_prefix="delete" kind="password"
                        autocomplete="current-password" required=true error=error
                    />
                    <button type="submit" class="btn btn-danger" disabled=move || pending.get()
                        aria-busy=move || pending.get().then_some("true")>
                        {move || if pending.get() { "Deleting your account…" } else { "Yes, delete my account" }}
                    </button>
                </ActionForm>
            </Confirm>
        </section>
    }
}
