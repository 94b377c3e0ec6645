//! Pages are sent whole, and a render that stalls is rendered again.
//!
//! Leptos 0.8's server rendering has a rare lost-wakeup race between a `<Suspense>` and the
//! resources it waits for (leptos-rs/leptos#4851, #4698): under load about one page in a few
//! thousand stops mid-body and never ends, with no error anywhere. Seen here as a test hanging
//! on a page body with every thread idle. So a page's HTML is collected before anything is sent
//! (our pages are a few kilobytes, and `SsrMode::InOrder` had them complete before `</html>`
//! anyway), within [`PAGE_RENDER_LIMIT`]; a render that misses it is dropped and the same request
//! rendered again, at most [`ATTEMPTS`] times, then a 503 page. Only GET answers in HTML of
//! page paths pass through here: server functions, the OAuth routes (a callback is not
//! idempotent), redirects, files and pictures go straight on.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service, ServiceExt};

/// How long one render of a page may take before it is considered stalled. A page renders in
/// milliseconds; this leaves room for a loaded machine.
pub const PAGE_RENDER_LIMIT: Duration = Duration::from_secs(8);
/// Renders of one request before giving up.
pub const ATTEMPTS: usize = 3;
/// Largest page collected; ours are far smaller.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The layer: see the module's documentation.
#[derive(Debug, Clone, Copy)]
pub struct WholePagesLayer {
    limit: Duration,
}

impl WholePagesLayer {
    /// Pages rendered within `limit`, else again.
    pub fn new(limit: Duration) -> Self {
        Self { limit }
    }
}

impl<S> Layer<S> for WholePagesLayer {
    type Service = WholePages<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WholePages {
            inner,
            limit: self.limit,
        }
    }
}

/// The service [`WholePagesLayer`] wraps around the routes.
#[derive(Debug, Clone)]
pub struct WholePages<S> {
    inner: S,
    limit: Duration,
}

impl<S> Service<Request> for WholePages<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // The clone that was polled ready serves the first attempt (tower's contract).
        let fresh = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, fresh);
        let spare = self.inner.clone();
        let limit = self.limit;
        Box::pin(async move {
            if req.method() != Method::GET || !is_page_path(req.uri().path()) {
                return ready.call(req).await;
            }
            let (parts, _) = req.into_parts();
            let first = ready
                .call(Request::from_parts(parts.clone(), Body::empty()))
                .await?;
            if !is_html(&first) {
                return Ok(first);
            }
            let mut answer = first;
            for attempt in 1..=ATTEMPTS {
                match collect(answer, limit).await {
                    Ok(whole) => return Ok(whole),
                    Err(Stalled) => {
                        tracing::warn!(path = %parts.uri.path(), attempt, "page render stalled; rendering again");
                    }
                }
                if attempt == ATTEMPTS {
                    break;
                }
                let again = Request::from_parts(parts.clone(), Body::empty());
                answer = spare.clone().oneshot(again).await?;
            }
            tracing::error!(path = %parts.uri.path(), "page render stalled every time");
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                "This page could not be prepared just now. Please reload it.",
            )
                .into_response())
        })
    }
}

/// Paths that only render a page, so that rendering them again changes nothing. The OAuth
/// routes are not among them: a callback spends its state.
fn is_page_path(path: &str) -> bool {
    !path.starts_with("/auth/") && !super::is_file_or_data_path(path)
}

/// A render that did not finish within the limit.
struct Stalled;

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The whole body of `res`, as one chunk, within `limit`.
async fn collect(res: Response, limit: Duration) -> Result<Response, Stalled> {
    let (mut head, body) = res.into_parts();
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_PAGE_BYTES)).await {
        Ok(Ok(bytes)) => {
            head.headers.remove(header::TRANSFER_ENCODING);
            head.headers
                .insert(header::CONTENT_LENGTH, bytes.len().into());
            Ok(Response::from_parts(head, Body::from(bytes)))
        }
        Ok(Err(err)) => {
            // The renderer failed outright (not a stall): say so rather than render again.
            tracing::error!(error = %err, "page body failed");
            Ok(Response::from_parts(
                head,
                Body::from("Something went wrong. Please reload the page."),
            ))
        }
        Err(_) => Err(Stalled),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::http::HeaderValue;
    use futures_util::stream;

    use super::*;

    /// A renderer that stalls on its first `stalls` calls, then answers a page.
    fn renderer(
        stalls: usize,
        calls: Arc<AtomicUsize>,
    ) -> impl Service<Request, Response = Response, Error = Infallible, Future = impl Send> + Clone + Send
    {
        tower::service_fn(move |_req: Request| {
            let call = calls.fetch_add(1, Ordering::SeqCst);
            async move {
                let body = if call < stalls {
                    // The head and a first chunk, then nothing, ever.
                    let first = stream::once(async {
                        Ok::<_, Infallible>(axum::body::Bytes::from_static(
                            b"<!doctype html><p>half",
                        ))
                    });
                    Body::from_stream(futures_util::StreamExt::chain(first, stream::pending()))
                } else {
                    Body::from("<!doctype html><p>whole</p>")
                };
                let mut res = Response::new(body);
                res.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Ok::<_, Infallible>(res)
            }
        })
    }

    async fn get(stalls: usize) -> (Response, usize) {
        let calls = Arc::new(AtomicUsize::new(0));
        let service =
            WholePagesLayer::new(Duration::from_millis(50)).layer(renderer(stalls, calls.clone()));
        let req = Request::builder()
            .uri("/settings/profile")
            .body(Body::empty())
            .unwrap();
        let res = service.oneshot(req).await.unwrap();
        (res, calls.load(Ordering::SeqCst))
    }

    async fn text(res: Response) -> String {
        String::from_utf8(
            axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_stalled_render_is_rendered_again() {
        let (res, calls) = get(1).await;
        assert_eq!(calls, 2);
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_LENGTH], "27");
        assert_eq!(text(res).await, "<!doctype html><p>whole</p>");
    }

    #[tokio::test]
    async fn a_render_that_always_stalls_ends_in_a_503() {
        let (res, calls) = get(usize::MAX).await;
        assert_eq!(calls, ATTEMPTS);
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(text(res).await.contains("reload"));
    }

    #[tokio::test]
    async fn a_page_that_renders_is_rendered_once() {
        let (res, calls) = get(0).await;
        assert_eq!((calls, res.status()), (1, StatusCode::OK));
    }

    #[test]
    fn the_oauth_routes_are_never_rendered_twice() {
        assert!(is_page_path("/settings/applications"));
        assert!(is_page_path("/connect/problem"));
        assert!(!is_page_path("/auth/x/callback"));
        assert!(!is_page_path("/api/list_applications"));
    }
}
