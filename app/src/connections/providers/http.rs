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
    let mut res = req.send().await.map_err(classify)?;
    let status = res.status();
    let body = read_capped(&mut res).await?;
    if !status.is_success() {
        let detail: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        return Err(ProviderError::Status {
            status: status.as_u16(),
            detail,
        });
    }
    Ok(body)
}

/// Reads the body, never holding more than [`MAX_BODY`]: a declared length over it is refused
/// before reading, and an undeclared one as soon as the chunks pass it (a provider that streams
/// without end costs a megabyte, not the process's memory).
async fn read_capped(res: &mut reqwest::Response) -> Result<Vec<u8>, ProviderError> {
    let too_big = |size: String| ProviderError::Malformed(format!("answer of {size} bytes"));
    if let Some(declared) = res.content_length()
        && declared > MAX_BODY as u64
    {
        return Err(too_big(declared.to_string()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_big(format!("more than {MAX_BODY}")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A loopback server that answers one request with `head` and then `chunks` chunks of
    /// 64 KiB (chunked encoding), or until the client hangs up.
    async fn serve_once(head: &'static str, chunks: usize) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(head.as_bytes()).await;
            let chunk = format!("10000\r\n{}\r\n", "7".repeat(0x10000));
            for _ in 0..chunks {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
        });
        format!("http://{addr}/")
    }

    #[tokio::test]
    async fn an_endless_body_is_cut_off_at_the_cap() {
        let chunked = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        // 50 MB announced by nobody: refused once a megabyte has come.
        let url = serve_once(chunked, 800).await;
        let err = send(reqwest::Client::new().get(url)).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Malformed(m) if m.contains("more than")),
            "{err}"
        );
        // Within the cap it is read whole.
        let url = serve_once(chunked, 2).await;
        assert_eq!(
            send(reqwest::Client::new().get(url)).await.unwrap().len(),
            2 * 0x10000
        );
    }

    #[tokio::test]
    async fn a_declared_length_over_the_cap_is_refused_before_reading() {
        let head =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 52428800\r\n\r\n";
        let url = serve_once(head, 0).await;
        let err = send(reqwest::Client::new().get(url)).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::Malformed(m) if m.contains("52428800")),
            "{err}"
        );
    }
}
