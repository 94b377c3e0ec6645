//! The test people's pictures: PNGs behind URLs that expire like Meta's CDN's
//! (`?oe=<expiry, unix seconds in hex>&oh=<signature>`, 403 once expired or altered), with the
//! faults of [`Endpoint::Picture`] for the hostile cases.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::connections::ProviderId;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use image::{ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};

use crate::Core;
use crate::faults::{self, Endpoint, Fault};
use crate::identities::{self, IDENTITIES};

/// How long a picture URL works unless a test says otherwise (Meta's last a few days).
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Side of the generated pictures, in pixels (Facebook's `picture.type(large)` is 200).
const SIDE: u32 = 200;

/// `GET /avatars/{provider}/{key}.png?oe=…&oh=…`.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new().route("/avatars/{provider}/{file}", get(picture))
}

/// One solid-colour PNG per test person, in their palette colour, by key.
pub(crate) fn generate() -> HashMap<&'static str, Vec<u8>> {
    IDENTITIES
        .iter()
        .map(|person| {
            let mut png = Vec::new();
            let image = RgbImage::from_pixel(SIDE, SIDE, Rgb(rgb(person.colour)));
            if let Err(error) = image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png) {
                tracing::error!(%error, "sandbox picture not generated");
            }
            (person.key, png)
        })
        .collect()
}

/// `#7b3fa0` → `[0x7b, 0x3f, 0xa0]`; grey for anything else.
fn rgb(colour: &str) -> [u8; 3] {
    let channel = |at: usize| {
        colour
            .get(at..at + 2)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
    };
    match (channel(1), channel(3), channel(5)) {
        (Some(r), Some(g), Some(b)) => [r, g, b],
        _ => [0x80, 0x80, 0x80],
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Core {
    /// A fresh URL of `key`'s picture at `provider`, valid for the configured lifetime.
    pub(crate) fn avatar_url(&self, provider: ProviderId, key: &str) -> String {
        let expiry = unix_now() + self.store.picture_lifetime().as_secs();
        let oe = format!("{expiry:X}");
        let oh = self.picture_signature(provider, key, &oe);
        format!(
            "{}/avatars/{}/{key}.png?oe={oe}&oh={oh}",
            self.base,
            provider.slug()
        )
    }

    /// Binds the expiry to the picture, as Meta's `oh` does: an edited `oe` is refused.
    fn picture_signature(&self, provider: ProviderId, key: &str, oe: &str) -> String {
        let digest = Sha256::digest(
            format!("{}:{}:{key}:{oe}", self.control_token, provider.slug()).as_bytes(),
        );
        hex::encode(&digest[..8])
    }
}

/// The picture, or 403 as fbcdn answers (`URL signature expired`, `Bad URL hash`), or the
/// installed fault.
async fn picture(
    State(core): State<Arc<Core>>,
    Path((provider, file)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let provider = ProviderId::from_slug(&provider);
    let person = file.strip_suffix(".png").and_then(identities::find);
    let (Some(provider), Some(person)) = (provider, person) else {
        return (StatusCode::NOT_FOUND, "no such picture").into_response();
    };
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let (oe, oh) = (param("oe"), param("oh"));
    if oh != core.picture_signature(provider, person.key, oe) {
        return (StatusCode::FORBIDDEN, "Bad URL hash").into_response();
    }
    let expired = u64::from_str_radix(oe, 16).map_or(true, |expiry| unix_now() > expiry);
    if expired {
        return (StatusCode::FORBIDDEN, "URL signature expired").into_response();
    }
    let png = core.pictures.get(person.key).cloned().unwrap_or_default();
    let fault = core.store.fault(provider, Endpoint::Picture);
    match fault {
        None => png_response(png),
        Some(Fault::Delay(duration)) => {
            tokio::time::sleep(duration).await;
            png_response(png)
        }
        Some(Fault::Status(code)) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "picture unavailable",
        )
            .into_response(),
        // A cut-off picture, and an empty one.
        Some(Fault::MalformedJson) => png_response(png[..png.len() / 2].to_vec()),
        Some(Fault::MissingFields) => png_response(Vec::new()),
        // A picture has no strings to poison: answered as is.
        Some(Fault::HostileStrings) => png_response(png),
        Some(Fault::Hostile(answer)) => faults::hostile(&answer),
    }
}

fn png_response(png: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        png,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::rgb;

    #[test]
    fn palette_colours_parse() {
        assert_eq!(rgb("#7b3fa0"), [0x7b, 0x3f, 0xa0]);
        assert_eq!(rgb("teal"), [0x80, 0x80, 0x80]);
    }
}
