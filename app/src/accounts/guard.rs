//! Who is signed in, for the components; and the wrappers that keep pages to the right people.
//! The server enforces the same rules (route middleware and every server function): these only
//! decide what the browser shows after client-side navigation.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use super::UserView;
use super::api::get_current_user;
use super::validate::encode_query_value;
use crate::components::Forbidden;
use crate::error::AppError;

/// The signed-in user, loaded once per page load (sign-in and sign-out reload the page).
#[derive(Clone, Copy)]
pub struct AuthContext {
    /// `Ok(None)` for a visitor.
    pub user: Resource<Result<Option<UserView>, AppError>>,
}

impl AuthContext {
    /// Creates the resource and provides it to every component below.
    pub fn provide() -> Self {
        let ctx = Self { user: Resource::new_blocking(|| (), |_| get_current_user()) };
        provide_context(ctx);
        ctx
    }
}

/// The auth context of the app.
pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}

/// Shows `children` to a signed-in user (an admin when `admin`), sends a visitor to the
/// sign-in page (and back here afterwards), and shows 403 to anyone else.
#[component]
pub fn RequireUser(#[prop(default = false)] admin: bool, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) if !admin || user.is_admin => children.with_value(|c| c()).into_any(),
                    Ok(Some(_)) => view! { <Forbidden/> }.into_any(),
                    Ok(None) => {
                        let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                        let target = format!("/signin?next={}", encode_query_value(&here));
                        view! { <Redirect path=target/> }.into_any()
                    }
                    Err(err) => view! { <div class="alert alert-error" role="alert">{err.to_string()}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}
