use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{UpdateProfile, list_profile_links};
use super::delete_account_form::DeleteAccountForm;
use super::password_form::ChangePasswordForm;
use super::session_list::SessionList;
use crate::accounts::UserView;
use crate::accounts::api::ChangePassword;
use crate::accounts::guard::use_auth;
use crate::components::{Avatar, ErrorAlert, Flash, TextField};
use crate::connections::{ConnectionView, ProviderId};
use crate::error::AppError;
use crate::flash::seeded_action;

/// Settings › Profile: who you are on this server, your connected profiles, the form to change
/// your name and picture; your password, where you are signed in, and deleting the account.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let auth = use_auth();
    let save = seeded_action::<UpdateProfile>(|_| true);
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let links = Resource::new(|| (), |_| list_profile_links());
    let change_password = crate::flash::seeded_action::<ChangePassword>(|_| true);
    // The header and the card show the name and picture: reload them once a save succeeds.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            leptos::task::spawn_local(async move {
                if let Ok(Some(user)) = crate::accounts::api::get_current_user().await {
                    auth.user.set(Some(user));
                }
            });
        }
    });
    view! {
        <Title text="Profile · Orga Connect"/>
        <header class="page-header">
            <h1>"Profile"</h1>
            <p class="muted">"How organizers and attendees see you."</p>
        </header>
        {move || saved().then(|| view! { <Flash kind="success" message="Profile saved."/> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = auth.user.get()?;
                let links = links.await.unwrap_or_default();
                Some(view! {
                    <ProfileCard user=user.clone() links=links/>
                    <EditProfile user=user save=save error=error/>
                })
            })}
        </Suspense>
        <ChangePasswordForm action=change_password/>
        <SessionList changed=change_password.version()/>
        <DeleteAccountForm/>
    }
}

/// Who the user is here, and the profiles they connected.
#[component]
fn ProfileCard(user: UserView, links: Vec<(ProviderId, ConnectionView)>) -> impl IntoView {
    view! {
        <div class="card profile-card">
            <Avatar src=user.avatar_url.clone() name=user.display_name() class="avatar avatar-lg"/>
            <dl class="details">
                <dt>"Name"</dt>
                <dd data-testid="profile-name">{user.display_name()}</dd>
                <dt>"Email"</dt>
                <dd>{user.email.clone()}</dd>
                <dt>"Role"</dt>
                <dd>{if user.is_admin { "Administrator" } else { "Member" }}</dd>
                <dt>"Connected profiles"</dt>
                <dd><ProfileLinks links=links/></dd>
            </dl>
        </div>
    }
}

/// The connected profiles as links to them (where the provider has a public page).
#[component]
fn ProfileLinks(links: Vec<(ProviderId, ConnectionView)>) -> impl IntoView {
    if links.is_empty() {
        return view! { <span class="muted">"None yet — connect one in Applications."</span> }
            .into_any();
    }
    view! {
        <ul class="link-list">
            {links.into_iter().map(|(p, c)| {
                let text = c.username.clone().map(|u| format!("@{u}")).or(c.display_name.clone()).unwrap_or_default();
                view! {
                    <li>
                        <span class="link-provider">{p.label()}</span>" "
                        {match c.profile_url {
                            Some(href) => view! { <a href=href target="_blank" rel="noopener noreferrer">{text}</a> }.into_any(),
                            None => view! { <span>{text}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The form to change name and picture.
#[component]
fn EditProfile(
    user: UserView,
    save: ServerAction<UpdateProfile>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="edit-profile">
            <h2 id="edit-profile">"Edit profile"</h2>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <ErrorAlert error=error/>
                <div class="grid-2">
                    <TextField label="First name" name="first_name" autocomplete="given-name" value=Signal::stored(user.first_name.clone()) error=error/>
                    <TextField label="Last name" name="last_name" autocomplete="family-name" value=Signal::stored(user.last_name.clone()) error=error/>
                </div>
                <TextField
                    label="Avatar URL" name="avatar_url" kind="url" value=Signal::stored(user.avatar_url.clone().unwrap_or_default())
                    hint="A picture address (https://…). Leave empty to show your initials." error=error
                />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()
                        aria-busy=move || save.pending().get().then_some("true")>
                        {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
