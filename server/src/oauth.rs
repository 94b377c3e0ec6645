//! The two HTTP ends of a connect flow: `POST /auth/{provider}/connect` sends the browser to
//! the provider; `GET /auth/{provider}/callback` brings it back. Both are plain routes (not
//! server functions) because they answer with redirects and work without JavaScript.

use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use tower_sessions::Session;

use app::accounts::session::session_user;
use app::connections::ConnectFailure;
use app::connections::flow::{check_response_issuer, finish_connect, start_connect, take_flow};
use app::connections::providers::ProviderError;
use app::connections::{CallbackRefusal, ConnectOutcome, ProviderId};
use app::flash::ConnectNotice;
use app::flash::store::put_connect;
use app::state::AppState;

/// Starts connecting a provider for the signed-in user.
pub async fn connect(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    session: Session,
) -> Response {
    let Some(provider) = ProviderId::from_slug(&slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((user_id, session_id)) = signed_in(&state, &session).await else {
        return Redirect::to("/signin?next=/settings/applications").into_response();
    };
    match start_connect(&state, user_id, &session_id, provider).await {
        Ok(url) => {
            tracing::info!(user_id, provider = slug, "connect started");
            Redirect::to(url.as_str()).into_response()
        }
        Err(failure) => {
            tracing::warn!(
                user_id,
                provider = slug,
                ?failure,
                "connect could not start"
            );
            back_to_applications(&session, provider, failure.outcome(), Vec::new()).await
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
        return problem(&state, req, CallbackRefusal::UnknownProvider, None).await;
    };
    let Some((user_id, session_id)) = signed_in(&state, &session).await else {
        return problem(&state, req, CallbackRefusal::SignedOut, Some(provider)).await;
    };
    let state_param = params.state.as_deref();
    let flow = match take_flow(&state, state_param, user_id, &session_id, provider).await {
        Ok(flow) => flow,
        Err(why) => {
            tracing::warn!(user_id, provider = slug, ?why, "callback state refused");
            return problem(&state, req, CallbackRefusal::InvalidState, Some(provider)).await;
        }
    };
    let code = match answered_code(&state, user_id, provider, params).await {
        Ok(code) => code,
        Err(Ending::Problem(refusal)) => {
            return problem(&state, req, refusal, Some(provider)).await;
        }
        Err(Ending::Back(outcome)) => {
            return back_to_applications(&session, provider, outcome, Vec::new()).await;
        }
    };
    match finish_connect(&state, user_id, provider, &flow, &code).await {
        Ok(connected) => {
            let account = connected.profile.id;
            tracing::info!(user_id, provider = slug, account, "account connected");
            let outcome = ConnectOutcome::Connected;
            back_to_applications(&session, provider, outcome, connected.filled).await
        }
        Err(failure) => {
            tracing::warn!(user_id, provider = slug, ?failure, "connect failed");
            back_to_applications(&session, provider, failure.outcome(), Vec::new()).await
        }
    }
}

/// How a callback that does not go on to the code exchange ends.
enum Ending {
    /// The "Connection not completed" page.
    Problem(CallbackRefusal),
    /// Back to Applications with the outcome in the card.
    Back(ConnectOutcome),
}

/// The authorization code the provider answered, once the answer is known to be the
/// provider's own; otherwise how the callback ends.
async fn answered_code(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
    params: CallbackParams,
) -> Result<String, Ending> {
    let slug = provider.slug();
    // RFC 9207: whose answer this is comes first; a response from another issuer (a mix-up
    // attack) must not have its code sent anywhere, nor its error believed.
    match check_response_issuer(state, provider, params.iss.as_deref()).await {
        Ok(()) => {}
        Err(ConnectFailure::Provider(ProviderError::Issuer(why))) => {
            tracing::warn!(user_id, provider = slug, %why, "callback issuer refused");
            return Err(Ending::Problem(why.into()));
        }
        Err(failure) => {
            tracing::warn!(
                user_id,
                provider = slug,
                ?failure,
                "callback issuer not checked"
            );
            return Err(Ending::Back(failure.outcome()));
        }
    }
    if let Some(error) = params.error {
        tracing::info!(
            user_id,
            provider = slug,
            error,
            "provider returned an error"
        );
        return Err(Ending::Back(if error == "access_denied" {
            ConnectOutcome::Cancelled
        } else {
            ConnectOutcome::Denied
        }));
    }
    params
        .code
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or(Ending::Problem(CallbackRefusal::MissingCode))
}

/// The callback's query: first value of each parameter we read, the rest ignored.
#[derive(Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

impl CallbackParams {
    fn parse(query: &str) -> Self {
        let mut params = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error" => &mut params.error,
                "iss" => &mut params.iss,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        params
    }
}

/// `GET /auth/{provider}/connect` (a bookmark, a reload, a link someone shared): connecting
/// is a POST from the Applications page, so that is where the person is sent.
pub async fn connect_page() -> Response {
    Redirect::to("/settings/applications").into_response()
}

/// The signed-in user's id and the session id, or `None` for a visitor.
async fn signed_in(state: &AppState, session: &Session) -> Option<(i64, String)> {
    let user = session_user(session, &state.db).await.ok().flatten()?;
    let id = session.id()?;
    Some((user.id, id.to_string()))
}

/// Back to Settings › Applications, at the provider's card, which explains the outcome (a
/// one-time flash in the session: nothing in the URL claims an outcome).
async fn back_to_applications(
    session: &Session,
    provider: ProviderId,
    outcome: ConnectOutcome,
    filled: Vec<String>,
) -> Response {
    let notice = ConnectNotice {
        provider,
        outcome,
        filled,
    };
    if let Err(err) = put_connect(session, notice).await {
        tracing::warn!(error = %err, "outcome not kept for the page");
    }
    Redirect::to(&ConnectOutcome::applications_url(provider)).into_response()
}

/// Renders the "Connection not completed" page in place, with the refusal's status, keeping
/// the request's session so the header still shows who is signed in.
async fn problem(
    state: &AppState,
    req: Request,
    refusal: CallbackRefusal,
    provider: Option<ProviderId>,
) -> Response {
    let slug = provider.map(ProviderId::slug).unwrap_or_default();
    let (mut parts, _) = req.into_parts();
    parts.method = Method::GET;
    parts.uri = format!(
        "/connect/problem?reason={}&provider={slug}",
        refusal.as_str()
    )
    .parse()
    .unwrap_or_else(|_| Uri::from_static("/connect/problem"));
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(context_state.clone()),
        move || app::shell(options.clone()),
    );
    // The page sets the refusal's status itself.
    render(Request::from_parts(parts, Body::empty()))
        .await
        .into_response()
}
