use leptos::prelude::*;
use leptos_meta::Title;

use crate::accounts::UserView;
use crate::accounts::guard::use_auth;

/// A round picture, or the user's initials when there is none.
#[component]
pub fn Avatar(user: UserView, #[prop(default = "avatar")] class: &'static str) -> impl IntoView {
    match user.avatar_url.clone() {
        Some(src) => view! { <img class=class src=src alt="" referrerpolicy="no-referrer"/> }.into_any(),
        None => view! { <span class=format!("{class} avatar-initials") aria-hidden="true">{user.initials()}</span> }.into_any(),
    }
}

/// Settings › Profile: who you are on this server.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Profile · Orga Connect"/>
        <header class="page-header">
            <h1>"Profile"</h1>
            <p class="muted">"How organizers and attendees see you."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                auth.user.await.ok().flatten().map(|user| view! {
                    <div class="card profile-card">
                        <Avatar user=user.clone() class="avatar avatar-lg"/>
                        <dl class="details">
                            <dt>"Name"</dt>
                            <dd>{user.display_name()}</dd>
                            <dt>"Email"</dt>
                            <dd>{user.email.clone()}</dd>
                            <dt>"Role"</dt>
                            <dd>{if user.is_admin { "Administrator" } else { "Member" }}</dd>
                        </dl>
                    </div>
                })
            })}
        </Suspense>
    }
}
