//! The sign-in and sign-up pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::api::{SignIn, SignUp};
use crate::components::{ErrorAlert, TextField};
use crate::flash::seeded_action;

/// The `next` query parameter, carried through the form so that sign-in returns there.
fn next_param() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get("next").unwrap_or_default()
}

/// Sign in with email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = seeded_action::<SignIn>(|_| true);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = next_param();
    let signup_href = move || {
        let n = next();
        if n.is_empty() {
            "/signup".to_owned()
        } else {
            format!("/signup?next={}", super::validate::encode_query_value(&n))
        }
    };
    view! {
        <Title text="Sign in · Orga Connect"/>
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <p class="muted">"Welcome back. Sign in to manage your profile and connected accounts."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <ErrorAlert error=error/>
                <input type="hidden" name="next" value=next/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true error=error/>
                <TextField label="Password" name="password" kind="password" autocomplete="current-password" required=true error=error/>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()
                    aria-busy=move || action.pending().get().then_some("true")>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="auth-switch">"New to Orga Connect? " <A href=signup_href>"Create an account"</A></p>
        </section>
    }
}

/// Create an account with name, email and password.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = seeded_action::<SignUp>(|_| true);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let next = next_param();
    view! {
        <Title text="Create an account · Orga Connect"/>
        <section class="auth-card">
            <h1>"Create an account"</h1>
            <p class="muted">"One profile for every event, with your social accounts connected."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <ErrorAlert error=error/>
                <input type="hidden" name="next" value=next/>
                <TextField label="Name" name="name" autocomplete="name" required=true error=error/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true error=error/>
                <TextField
                    label="Password" name="password" kind="password" autocomplete="new-password" required=true
                    hint="At least 8 characters." error=error
                />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()
                    aria-busy=move || action.pending().get().then_some("true")>
                    {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p class="auth-switch">"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
