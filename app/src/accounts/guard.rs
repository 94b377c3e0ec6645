//! Who is signed in, for the components; and the wrapper that keeps pages to the right people.
//! The server enforces the same rules (route middleware and every server function): this only
//! decides what is rendered.
//!
//! The signed-in user is known synchronously on both sides, so that pages are created in the
//! same order when rendered and when hydrated: on the server from the request (the page guard
//! middleware puts it there), in the browser from a JSON script the server wrote into the page.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use super::UserView;
use super::validate::encode_query_value;
use crate::components::Forbidden;

/// The id of the `<script type="application/json">` carrying the signed-in user.
pub const SESSION_SCRIPT_ID: &str = "orga-session-user";

/// The signed-in user of a request, as the page guard middleware stores it in the request's
/// extensions for the renderer.
#[derive(Debug, Clone, Default)]
pub struct SessionUser(pub Option<UserView>);

/// The signed-in user for every component; `None` for a visitor.
#[derive(Clone, Copy)]
pub struct AuthContext {
    /// The user; updated in place when their profile changes.
    pub user: RwSignal<Option<UserView>>,
}

impl AuthContext {
    /// Reads the user (request on the server, page script in the browser) and provides it.
    pub fn provide() -> Self {
        let ctx = Self {
            user: RwSignal::new(initial_user()),
        };
        provide_context(ctx);
        ctx
    }
}

#[cfg(feature = "ssr")]
fn initial_user() -> Option<UserView> {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionUser>().cloned())
        .and_then(|s| s.0)
}

#[cfg(not(feature = "ssr"))]
fn initial_user() -> Option<UserView> {
    let text = document()
        .get_element_by_id(SESSION_SCRIPT_ID)?
        .text_content()?;
    serde_json::from_str(&text).ok().flatten()
}

/// The `<script>` that hands the signed-in user to the browser (rendered by the shell).
#[component]
pub fn SessionScript() -> impl IntoView {
    let json = serde_json::to_string(&initial_user_for_script()).unwrap_or_else(|_| "null".into());
    // `<` cannot appear inside the script element's JSON, so `</script>` cannot end it early.
    let json = json.replace('<', "\\u003c");
    view! { <script type="application/json" id=SESSION_SCRIPT_ID inner_html=json></script> }
}

#[cfg(feature = "ssr")]
fn initial_user_for_script() -> Option<UserView> {
    initial_user()
}

#[cfg(not(feature = "ssr"))]
fn initial_user_for_script() -> Option<UserView> {
    None
}

/// The auth context of the app.
pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Allowed,
    Forbidden,
    SignIn,
}

/// Shows `children` to a signed-in user (an admin when `admin`), sends a visitor to the
/// sign-in page (and back here afterwards), and shows 403 to anyone else.
#[component]
pub fn RequireUser(#[prop(default = false)] admin: bool, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let access = Memo::new(move |_| match auth.user.get() {
        Some(user) if !admin || user.is_admin => Access::Allowed,
        Some(_) => Access::Forbidden,
        None => Access::SignIn,
    });
    move || match access.get() {
        Access::Allowed => children().into_any(),
        Access::Forbidden => view! { <Forbidden/> }.into_any(),
        Access::SignIn => {
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let target = format!("/signin?next={}", encode_query_value(&here));
            view! { <Redirect path=target/> }.into_any()
        }
    }
}
