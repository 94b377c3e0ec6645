//! HTML pages: layout, the index, error pages, profile pages and avatars.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::identities::{self, IDENTITIES, Identity};

/// Escapes text for element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f0f2f5;color:#1c1e21}
main{max-width:30rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .75rem;color:var(--accent)}
.badge{display:inline-block;font-size:.75rem;padding:.1rem .5rem;border-radius:1rem;background:#fff3cd;color:#664d03;margin-bottom:1rem}
fieldset{border:1px solid #ccd0d5;border-radius:8px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.account{display:flex;align-items:center;gap:.6rem;padding:.4rem 0}
.account img{width:2rem;height:2rem;border-radius:50%}
.handle{color:#606770}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{flex:1;font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:6px;border:1px solid #ccd0d5;background:#e4e6eb;color:#1c1e21;cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button:focus-visible,input:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}
.error{color:#842029;background:#f8d7da;border-radius:6px;padding:.75rem 1rem}
code{word-break:break-all}
";

/// Wraps `body` in a complete, styled document.
pub(crate) fn page(title: &str, accent: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>:root{{--accent:{accent}}}{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        title = escape(title),
    )
}

/// An HTML error page shown at the sandbox itself (never redirected to an unvetted URI).
pub(crate) fn error_page(status: StatusCode, provider_name: &str, message: &str) -> Response {
    let body = format!(
        "<h1>{provider} (sandbox): something went wrong</h1>\
         <p class=\"error\" role=\"alert\">{message}</p>\
         <p>This is the Orga Connect provider sandbox. Nothing was sent back to the application.</p>",
        provider = escape(provider_name),
        message = escape(message),
    );
    (
        status,
        Html(page(
            &format!("Error – {provider_name} (sandbox)"),
            "#842029",
            &body,
        )),
    )
        .into_response()
}

/// `GET /`: what this server is, its providers and test people.
pub(crate) fn index(base: &str) -> Html<String> {
    let providers = [
        ("facebook", "Facebook"),
        ("x", "X"),
        ("instagram", "Instagram"),
        ("google", "Google"),
    ]
    .iter()
    .map(|(slug, name)| {
        format!(
            "<li><strong>{name}</strong>: client_id <code>{id}</code></li>",
            id = escape(&super::Sandbox::client_id(slug)),
        )
    })
    .collect::<String>();
    let people = IDENTITIES
        .iter()
        .map(|person| {
            format!(
                "<li class=\"account\"><img src=\"{base}/avatars/{key}.svg\" alt=\"\">{name} \
                 <span class=\"handle\">@{user} · {email}</span></li>",
                key = person.key,
                name = escape(person.name()),
                user = escape(person.username),
                email = escape(person.email),
                base = escape(base),
            )
        })
        .collect::<String>();
    let body = format!(
        "<h1>Orga Connect provider sandbox</h1>\
         <p>This server emulates the OAuth 2.0 providers Orga Connect connects to, for tests and demos. \
         No real account is ever involved.</p>\
         <h2>Providers</h2><ul>{providers}</ul>\
         <h2>Test identities</h2><ul style=\"list-style:none;padding:0\">{people}</ul>"
    );
    Html(page("Orga Connect provider sandbox", "#1877f2", &body))
}

/// `GET /{provider}/www/profile/{username}`: a stand-in public profile page.
pub(crate) fn profile_page(
    base: &str,
    provider_name: &str,
    accent: &str,
    username: &str,
) -> Response {
    let Some(person) = identities::by_username(username) else {
        return error_page(
            StatusCode::NOT_FOUND,
            provider_name,
            "This profile does not exist.",
        );
    };
    let body = format!(
        "<span class=\"badge\">{provider} sandbox profile</span>\
         <h1 class=\"account\"><img src=\"{base}/avatars/{key}.svg\" alt=\"\">{name}</h1>\
         <p class=\"handle\">@{user}</p>",
        provider = escape(provider_name),
        base = escape(base),
        key = person.key,
        name = escape(person.name()),
        user = escape(person.username),
    );
    Html(page(
        &format!("{} – {provider_name} (sandbox)", person.name()),
        accent,
        &body,
    ))
    .into_response()
}

/// `GET /avatars/{key}.svg`: initials on a coloured circle.
pub(crate) fn avatar(file: &str) -> Response {
    let person: Option<&Identity> = file.strip_suffix(".svg").and_then(identities::find);
    let Some(person) = person else {
        return (StatusCode::NOT_FOUND, "no such avatar").into_response();
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"200\" viewBox=\"0 0 200 200\" \
         role=\"img\" aria-label=\"{name}\"><circle cx=\"100\" cy=\"100\" r=\"100\" fill=\"{colour}\"/>\
         <text x=\"100\" y=\"100\" dy=\".35em\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"80\" font-weight=\"600\" fill=\"#fff\">{initials}</text></svg>",
        name = escape(person.name()),
        colour = person.colour,
        initials = escape(&person.initials()),
    );
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response()
}
