//! HTML pages: layout, the index (with each person's "Apps and websites" links), the consent
//! page, error pages and profile pages.
//! Rendered with Leptos's SSR `view!`, so every value is escaped by construction.

use std::sync::Arc;

use app::connections::ProviderId;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::*;

use crate::identities::{self, IDENTITIES, Identity};
use crate::spec::{ProviderSpec, SPECS};
use crate::{Core, Sandbox};

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f0f2f5;color:#1c1e21}
main{max-width:30rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .75rem;color:var(--accent)}
h2{font-size:1rem}
.badge{display:inline-block;font-size:.75rem;padding:.1rem .5rem;border-radius:1rem;background:#fff3cd;color:#664d03;margin-bottom:1rem}
fieldset{border:1px solid #ccd0d5;border-radius:8px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.account{display:flex;align-items:center;gap:.6rem;padding:.4rem 0}
.account img{width:2rem;height:2rem;border-radius:50%}
.people{list-style:none;padding:0}
.handle{color:#606770}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{flex:1;font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:6px;border:1px solid #ccd0d5;background:#e4e6eb;color:#1c1e21;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button:focus-visible,input:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}
.error{color:#842029;background:#f8d7da;border-radius:6px;padding:.75rem 1rem}
code{word-break:break-all}
";

/// Routes of the index and every provider's profile pages.
pub(crate) fn routes() -> Router<Arc<Core>> {
    let router = Router::new().route("/", get(index));
    SPECS.iter().fold(router, |router, spec| {
        let spec: &'static ProviderSpec = spec;
        spec.profile_pages.iter().fold(router, |router, path| {
            router.route(
                path,
                get(
                    move |State(core): State<Arc<Core>>, Path(username): Path<String>| async move {
                        profile_page(&core, spec, &username)
                    },
                ),
            )
        })
    })
}

/// A complete, styled document around `body`.
pub(crate) fn document(
    title: String,
    accent: &'static str,
    body: impl IntoView + 'static,
) -> Html<String> {
    let html = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>{title}</title>
                <style>{STYLE}</style>
            </head>
            <body>
                <main style=format!("--accent:{accent}")>{body}</main>
            </body>
        </html>
    }
    .to_html();
    Html(format!("<!doctype html>{html}"))
}

/// An HTML error page shown at the sandbox itself (never redirected to an unvetted URI).
pub(crate) fn error_page(status: StatusCode, provider_name: &str, message: &str) -> Response {
    let body = view! {
        <h1>{format!("{provider_name} (sandbox): something went wrong")}</h1>
        <p class="error" role="alert">{message.to_owned()}</p>
        <p>
            "This is the Orga Connect provider sandbox. Nothing was sent back to the application."
        </p>
    };
    let title = format!("Error – {provider_name} (sandbox)");
    (status, document(title, "#842029", body)).into_response()
}

/// `GET /`: what this server is, its providers and test people.
async fn index(State(core): State<Arc<Core>>) -> Html<String> {
    let providers = SPECS
        .iter()
        .map(|spec| {
            view! {
                <li>
                    <strong>{spec.name()}</strong>
                    ": client_id "
                    <code>{Sandbox::client_id(spec.id)}</code>
                </li>
            }
        })
        .collect_view();
    let people = IDENTITIES
        .iter()
        .map(|person| {
            view! {
                <li class="account">
                    // The same person's picture at every provider; Facebook's will do.
                    <img src=core.avatar_url(ProviderId::Facebook, person.key) alt="" />
                    {person.name()}
                    <span class="handle">
                        {format!("@{} · {}", person.username, person.email)}
                    </span>
                </li>
                <li class="handle">
                    "Apps and websites: "
                    {apps_links(person)}
                </li>
            }
        })
        .collect_view();
    let body = view! {
        <h1>"Orga Connect provider sandbox"</h1>
        <p>
            "This server emulates the OAuth 2.0 providers Orga Connect connects to, for tests and demos. No real account is ever involved."
        </p>
        <h2>"Providers"</h2>
        <ul>{providers}</ul>
        <h2>"Test identities"</h2>
        <ul class="people">{people}</ul>
    };
    document("Orga Connect provider sandbox".into(), "#1877f2", body)
}

/// Links to `person`'s "Apps and websites" page at each provider.
fn apps_links(person: &'static Identity) -> impl IntoView + 'static {
    SPECS
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            view! {
                {(i > 0).then_some(" · ")}
                <a
                    href=crate::apps_page::path(spec.id, person)
                    aria-label=format!("{} apps of {}", spec.name(), person.name())
                >
                    {spec.name()}
                </a>
            }
        })
        .collect_view()
}

/// What the consent page shows.
pub(crate) struct ConsentPage<'a> {
    /// Whose page.
    pub spec: &'static ProviderSpec,
    /// Where the form posts (the page's own path).
    pub action: &'a str,
    /// The requested scopes.
    pub scopes: &'a [String],
    /// The vetted redirect URI.
    pub redirect_uri: &'a str,
    /// Request parameters carried through the form, sorted.
    pub carried: Vec<(String, String)>,
}

/// The consent page: one form, one radio per test person (the first preselected), Allow first
/// so that it is the form's default button (Enter on an account allows).
pub(crate) fn consent_page(core: &Core, page: ConsentPage<'_>) -> Response {
    let name = page.spec.name();
    let scopes = page
        .scopes
        .iter()
        .map(|scope| view! { <li><code>{scope.clone()}</code></li> })
        .collect_view();
    let hidden = page
        .carried
        .into_iter()
        .map(|(key, value)| view! { <input type="hidden" name=key value=value /> })
        .collect_view();
    let body = view! {
        <span class="badge">{format!("Sandbox – no real {name} account is used")}</span>
        <h1>{format!("Sign in to {name} (sandbox)")}</h1>
        <p>
            <strong>"Orga Connect"</strong>
            {format!(" wants to access your {name} account.")}
        </p>
        <h2>"Requested permissions"</h2>
        <ul>{scopes}</ul>
        <form method="post" action=page.action.to_owned()>
            {hidden}
            <fieldset>
                <legend>"Choose a test account"</legend>
                {accounts(core, page.spec.id)}
            </fieldset>
            <p class="handle">
                "You will be sent back to " <code>{page.redirect_uri.to_owned()}</code> "."
            </p>
            <div class="actions">
                <button type="submit" name="decision" value="allow" class="primary">
                    "Allow"
                </button>
                <button type="submit" name="decision" value="cancel">
                    "Cancel"
                </button>
            </div>
        </form>
    };
    document(
        format!("Sign in to {name} (sandbox)"),
        page.spec.accent,
        body,
    )
    .into_response()
}

/// One labelled radio button per test person.
fn accounts(core: &Core, provider: ProviderId) -> impl IntoView + 'static {
    IDENTITIES
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let id = format!("account-{}", person.key);
            view! {
                <div class="account">
                    <input type="radio" name="account" id=id.clone() value=person.key checked=i == 0 />
                    <label for=id class="account">
                        <img src=core.avatar_url(provider, person.key) alt="" />
                        {person.name()}
                        " "
                        <span class="handle">{format!("@{}", person.username)}</span>
                    </label>
                </div>
            }
        })
        .collect_view()
}

/// A stand-in public profile page.
fn profile_page(core: &Core, spec: &ProviderSpec, username: &str) -> Response {
    let name = spec.name();
    let Some(person) = identities::by_username(username) else {
        return error_page(StatusCode::NOT_FOUND, name, "This profile does not exist.");
    };
    let body = view! {
        <span class="badge">{format!("{name} sandbox profile")}</span>
        <h1 class="account">
            <img src=core.avatar_url(spec.id, person.key) alt="" />
            {person.name()}
        </h1>
        <p class="handle">{format!("@{}", person.username)}</p>
    };
    let title = format!("{} – {name} (sandbox)", person.name());
    document(title, spec.accent, body).into_response()
}

/// Any other path.
pub(crate) async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Not found in the Orga Connect provider sandbox",
    )
        .into_response()
}
