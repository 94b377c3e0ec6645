//! The HTTP plumbing every provider shares: send, check the status, parse JSON, and classify
//! failures (timeouts, refusals, error answers, malformed bodies).

use reqwest::RequestBuilder;
use serde::de::DeserializeOwned;

use super::ProviderError;

/// Largest answer read from a provider.
const MAX_BODY: usize = 1024 * 1024;

/// Sends `req` and parses a successful JSON answer as `T`.
pub async fn send_json<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ProviderError> {
    parse_json(&send(req).await?)
}

/// Parses a provider's JSON answer; anything else is `Malformed`.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::Malformed(e.to_string()))
}

/// Sends `req` and returns the body of a successful answer.
pub async fn send(req: RequestBuilder) -> Result<Vec<u8>, ProviderError> {
    let res = req.send().await.map_err(classify)?;
    let status = res.status();
    let body = res.bytes().await.map_err(classify)?;
    if body.len() > MAX_BODY {
        return Err(ProviderError::Malformed(format!(
            "answer of {} bytes",
            body.len()
        )));
    }
    if !status.is_success() {
        let detail: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        return Err(ProviderError::Status {
            status: status.as_u16(),
            detail,
        });
    }
    Ok(body.to_vec())
}

fn classify(err: reqwest::Error) -> ProviderError {
    if err.is_timeout() {
        ProviderError::Timeout
    } else if err.is_decode() || err.is_body() {
        ProviderError::Malformed(err.to_string())
    } else {
        ProviderError::Unreachable(err.without_url().to_string())
    }
}

/// `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 §2.3.1 requires
/// for the client id and secret inside HTTP Basic credentials.
pub fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
