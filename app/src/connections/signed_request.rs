//! Meta's `signed_request`: what Facebook and Instagram post to the deauthorize and
//! data-deletion callbacks. <https://developers.facebook.com/docs/reference/login/signed-request>
//!
//! The format is `base64url(signature).base64url(payload)`, both without padding; the payload
//! is JSON with `algorithm` (`HMAC-SHA256`), `user_id` and `issued_at`; the signature is
//! HMAC-SHA256 of the *encoded* payload, keyed with the app secret.
//!
//! Choices: padding (`=`) and any character outside the base64url alphabet are refused, as
//! Meta never sends them. `algorithm` is compared case-insensitively, as Meta's PHP SDK does
//! (`strtoupper($data['algorithm']) !== 'HMAC-SHA256'`). `issued_at` is read but not checked
//! for freshness: Meta retries a failed callback later, and a replay of a genuine request can
//! only repeat what that request already did (both effects are idempotent).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

/// The one algorithm Meta signs with.
const ALGORITHM: &str = "HMAC-SHA256";

/// A verified `signed_request`: the signature matched and it names a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The person's id at the provider (app-scoped), as the link stores it.
    pub user_id: String,
    /// When Meta issued the request (Unix seconds), if it said.
    pub issued_at: Option<i64>,
}

/// Why a `signed_request` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignedRequestError {
    /// Not two base64url parts, or the payload is not a JSON object.
    #[error("the signed request is malformed")]
    Malformed,
    /// No signature, or no `algorithm` in the payload.
    #[error("the signed request is not signed")]
    Unsigned,
    /// An `algorithm` other than HMAC-SHA256.
    #[error("the signed request uses an unsupported algorithm")]
    WrongAlgorithm,
    /// The signature does not match the payload and the app secret.
    #[error("the signed request's signature does not match")]
    BadSignature,
    /// Signed correctly, but without a `user_id`.
    #[error("the signed request names no user")]
    MissingUserId,
}

/// The payload's fields we read; anything else is ignored.
#[derive(Deserialize)]
struct Payload {
    algorithm: Option<String>,
    user_id: Option<Value>,
    issued_at: Option<i64>,
}

/// Parses `raw` and checks its signature with `app_secret`, in constant time. Nothing from the
/// payload but the algorithm is trusted before the signature has been checked.
pub fn verify_signed_request(
    raw: &str,
    app_secret: &str,
) -> Result<SignedRequest, SignedRequestError> {
    let (signature, payload) = raw
        .trim()
        .split_once('.')
        .ok_or(SignedRequestError::Malformed)?;
    if payload.is_empty() || payload.contains('.') {
        return Err(SignedRequestError::Malformed);
    }
    if signature.is_empty() {
        return Err(SignedRequestError::Unsigned);
    }
    let signature = decode(signature)?;
    let fields: Payload =
        serde_json::from_slice(&decode(payload)?).map_err(|_| SignedRequestError::Malformed)?;
    match fields.algorithm.as_deref() {
        None => return Err(SignedRequestError::Unsigned),
        Some(algorithm) if !algorithm.eq_ignore_ascii_case(ALGORITHM) => {
            return Err(SignedRequestError::WrongAlgorithm);
        }
        Some(_) => {}
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .map_err(|_| SignedRequestError::BadSignature)?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| SignedRequestError::BadSignature)?;
    let user_id = match fields.user_id {
        Some(Value::String(id)) => id,
        // Meta sends a string; a number would be the same id.
        Some(Value::Number(id)) => id.to_string(),
        _ => String::new(),
    };
    if user_id.trim().is_empty() {
        return Err(SignedRequestError::MissingUserId);
    }
    Ok(SignedRequest {
        user_id,
        issued_at: fields.issued_at,
    })
}

/// base64url without padding; padding, other alphabets and non-canonical endings are refused.
fn decode(part: &str) -> Result<Vec<u8>, SignedRequestError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| SignedRequestError::Malformed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SECRET: &str = "app-secret";

    /// `base64url(HMAC(secret, encoded)).encoded`, where `encoded` is `payload` encoded.
    fn sign(payload: &str, secret: &str) -> String {
        let encoded = URL_SAFE_NO_PAD.encode(payload);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(encoded.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signature}.{encoded}")
    }

    const GOOD: &str =
        r#"{"algorithm":"HMAC-SHA256","issued_at":1764495000,"user_id":"104719311112345"}"#;

    #[test]
    fn a_genuine_request_is_accepted() {
        let verified = verify_signed_request(&sign(GOOD, SECRET), SECRET).unwrap();
        assert_eq!(
            verified,
            SignedRequest {
                user_id: "104719311112345".into(),
                issued_at: Some(1_764_495_000)
            }
        );
    }

    #[test]
    fn a_vector_computed_elsewhere_is_accepted() {
        // Python: e = urlsafe_b64encode(GOOD).rstrip(b"="); urlsafe_b64encode(hmac.new(
        // b"app-secret", e, sha256).digest()).rstrip(b"=") + b"." + e
        let raw = "LaxSkZivmRePSZQ8ZG3ONY4mWmfo49fy_m7wqaw7nYw.eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImlzc3VlZF9hdCI6MTc2NDQ5NTAwMCwidXNlcl9pZCI6IjEwNDcxOTMxMTExMjM0NSJ9";
        assert_eq!(raw, sign(GOOD, SECRET));
        let verified = verify_signed_request(raw, SECRET).unwrap();
        assert_eq!(verified.user_id, "104719311112345");
    }

    #[test]
    fn the_algorithm_is_compared_without_case() {
        let lower = GOOD.replace("HMAC-SHA256", "hmac-sha256");
        assert!(verify_signed_request(&sign(&lower, SECRET), SECRET).is_ok());
    }

    #[test]
    fn a_numeric_user_id_is_read_as_text() {
        let payload = r#"{"algorithm":"HMAC-SHA256","user_id":17841400000000001}"#;
        let verified = verify_signed_request(&sign(payload, SECRET), SECRET).unwrap();
        assert_eq!(verified.user_id, "17841400000000001");
        assert_eq!(verified.issued_at, None);
    }

    #[test]
    fn another_secret_is_a_bad_signature() {
        let forged = sign(GOOD, "not-the-secret");
        assert_eq!(
            verify_signed_request(&forged, SECRET),
            Err(SignedRequestError::BadSignature)
        );
    }

    #[test]
    fn a_changed_payload_is_a_bad_signature() {
        let genuine = sign(GOOD, SECRET);
        let (signature, _) = genuine.split_once('.').unwrap();
        let other = URL_SAFE_NO_PAD.encode(GOOD.replace("104719311112345", "104719311199999"));
        assert_eq!(
            verify_signed_request(&format!("{signature}.{other}"), SECRET),
            Err(SignedRequestError::BadSignature)
        );
    }

    #[test]
    fn a_truncated_signature_is_a_bad_signature() {
        let genuine = sign(GOOD, SECRET);
        let (signature, payload) = genuine.split_once('.').unwrap();
        let short = URL_SAFE_NO_PAD.encode(&decode(signature).unwrap()[..16]);
        assert_eq!(
            verify_signed_request(&format!("{short}.{payload}"), SECRET),
            Err(SignedRequestError::BadSignature)
        );
    }

    #[test]
    fn no_signature_is_unsigned() {
        let payload = URL_SAFE_NO_PAD.encode(GOOD);
        assert_eq!(
            verify_signed_request(&format!(".{payload}"), SECRET),
            Err(SignedRequestError::Unsigned)
        );
    }

    #[test]
    fn no_algorithm_is_unsigned() {
        let payload = r#"{"issued_at":1764495000,"user_id":"104719311112345"}"#;
        assert_eq!(
            verify_signed_request(&sign(payload, SECRET), SECRET),
            Err(SignedRequestError::Unsigned)
        );
    }

    #[test]
    fn another_algorithm_is_refused() {
        for algorithm in ["HMAC-SHA1", "none", "RS256", ""] {
            let payload = GOOD.replace("HMAC-SHA256", algorithm);
            assert_eq!(
                verify_signed_request(&sign(&payload, SECRET), SECRET),
                Err(SignedRequestError::WrongAlgorithm),
                "{algorithm}"
            );
        }
    }

    #[test]
    fn a_signed_payload_without_user_is_refused() {
        for payload in [
            r#"{"algorithm":"HMAC-SHA256","issued_at":1764495000}"#,
            r#"{"algorithm":"HMAC-SHA256","user_id":""}"#,
            r#"{"algorithm":"HMAC-SHA256","user_id":null}"#,
            r#"{"algorithm":"HMAC-SHA256","user_id":{"id":"1"}}"#,
        ] {
            assert_eq!(
                verify_signed_request(&sign(payload, SECRET), SECRET),
                Err(SignedRequestError::MissingUserId),
                "{payload}"
            );
        }
    }

    #[test]
    fn garbage_is_malformed() {
        let genuine = sign(GOOD, SECRET);
        let (signature, payload) = genuine.split_once('.').unwrap();
        let json_array = URL_SAFE_NO_PAD.encode("[1,2]");
        let not_json = URL_SAFE_NO_PAD.encode("user_id=1");
        for raw in [
            String::new(),
            "no-dot-at-all".into(),
            format!("{signature}."),
            format!("{genuine}.extra"),
            format!("{signature}.{payload}!"),
            format!("{signature}.{payload}+"),
            format!("{signature}/.{payload}"),
            format!("{signature}.{json_array}"),
            format!("{signature}.{not_json}"),
            format!("***.{payload}"),
        ] {
            assert_eq!(
                verify_signed_request(&raw, SECRET),
                Err(SignedRequestError::Malformed),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn padding_is_refused() {
        // A payload whose encoding needs padding, and a signature padded to a multiple of 4.
        let payload = r#"{"algorithm":"HMAC-SHA256","user_id":"1"}"#;
        let genuine = sign(payload, SECRET);
        let (signature, encoded) = genuine.split_once('.').unwrap();
        assert_ne!(encoded.len() % 4, 0, "the vector must need padding");
        let padded = format!("{signature}.{encoded}{}", "=".repeat(4 - encoded.len() % 4));
        assert_eq!(
            verify_signed_request(&padded, SECRET),
            Err(SignedRequestError::Malformed)
        );
        assert_eq!(
            verify_signed_request(&format!("{signature}=.{encoded}"), SECRET),
            Err(SignedRequestError::Malformed)
        );
    }
}
