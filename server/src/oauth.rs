//! The two HTTP ends of a connect flow: `POST /auth/{provider}/connect` sends the browser to
//! the provider; `GET /auth/{provider}/callback` brings it back. Both are plain routes (not
//! server functions) because they answer with redirects and work without JavaScript.

use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use tower_sessions::Session;

use app::accounts::server::session_user;
use app::connections::ProviderId;
use app::connections::server::{finish_connect, start_connect, take_flow};
use app::db::entities::user;
use app::state::AppState;

const APPLICATIONS: &str = "/settings/applications";

/// Starts connecting a provider for the signed-in user.
pub async fn connect(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    session: Session,
) -> Response {
    let Some(provider) = ProviderId::from_slug(&slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((user, session_id)) = signed_in(&state, &session).await else {
        return Redirect::to("/signin?next=/settings/applications").into_response();
    };
    match start_connect(&state, &user, &session_id, provider).await {
        Ok(url) => {
            tracing::info!(user_id = user.id, provider = slug, "connect started");
            Redirect::to(url.as_str()).into_response()
        }
        Err(failure) => {
            tracing::warn!(
                user_id = user.id,
                provider = slug,
                ?failure,
                "connect could not start"
            );
            issue(provider, failure.kind())
        }
    }
}

/// Finishes a connect flow; refuses any state that is not this user's, this session's, this
/// provider's, unused and fresh, and writes nothing then.
pub async fn callback(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    session: Session,
    req: Request,
) -> Response {
    let params = CallbackParams::parse(query.as_deref().unwrap_or_default());
    let Some(provider) = ProviderId::from_slug(&slug) else {
        return problem(&state, req, "provider", None, StatusCode::NOT_FOUND).await;
    };
    let Some((user, session_id)) = signed_in(&state, &session).await else {
        return problem(
            &state,
            req,
            "signin",
            Some(provider),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    };
    let flow = match take_flow(
        &state,
        params.state.as_deref(),
        &user,
        &session_id,
        provider,
    )
    .await
    {
        Ok(flow) => flow,
        Err(why) => {
            tracing::warn!(
                user_id = user.id,
                provider = slug,
                ?why,
                "callback state refused"
            );
            return problem(
                &state,
                req,
                "state",
                Some(provider),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    if let Some(error) = params.error {
        tracing::info!(
            user_id = user.id,
            provider = slug,
            error,
            "provider returned an error"
        );
        return issue(
            provider,
            if error == "access_denied" {
                "cancelled"
            } else {
                "denied"
            },
        );
    }
    let Some(code) = params.code.filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return problem(&state, req, "code", Some(provider), StatusCode::BAD_REQUEST).await;
    };
    match finish_connect(&state, &user, provider, &flow, &code).await {
        Ok(profile) => {
            tracing::info!(
                user_id = user.id,
                provider = slug,
                account = profile.id,
                "account connected"
            );
            Redirect::to(&format!("{APPLICATIONS}?connected={slug}")).into_response()
        }
        Err(failure) => {
            tracing::warn!(
                user_id = user.id,
                provider = slug,
                ?failure,
                "connect failed"
            );
            issue(provider, failure.kind())
        }
    }
}

/// The callback's query: first value of each parameter we read, the rest ignored.
#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

impl CallbackParams {
    fn parse(query: &str) -> Self {
        let mut params = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error" => &mut params.error,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        params
    }
}

async fn signed_in(state: &AppState, session: &Session) -> Option<(user::Model, String)> {
    let user = session_user(session, &state.db).await.ok().flatten()?;
    let id = session.id()?;
    Some((user, id.to_string()))
}

/// Back to Settings › Applications with an outcome code the page explains.
fn issue(provider: ProviderId, kind: &str) -> Response {
    Redirect::to(&format!(
        "{APPLICATIONS}?provider={}&issue={kind}",
        provider.slug()
    ))
    .into_response()
}

/// Renders the "Connection not completed" page in place, with `status`, keeping the request's
/// session so the header still shows who is signed in.
async fn problem(
    state: &AppState,
    req: Request,
    reason: &str,
    provider: Option<ProviderId>,
    status: StatusCode,
) -> Response {
    let slug = provider.map(ProviderId::slug).unwrap_or_default();
    let (mut parts, _) = req.into_parts();
    parts.method = Method::GET;
    parts.uri = format!("/connect/problem?reason={reason}&provider={slug}")
        .parse()
        .unwrap_or_else(|_| Uri::from_static("/connect/problem"));
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(context_state.clone()),
        move || app::shell(options.clone()),
    );
    let mut res = render(Request::from_parts(parts, Body::empty()))
        .await
        .into_response();
    *res.status_mut() = status;
    res
}
