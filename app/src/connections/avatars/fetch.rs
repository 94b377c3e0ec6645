//! Fetching a picture: every hop checked against the allow-list, the body capped.

use reqwest::header::{ACCEPT, LOCATION};
use url::Url;

use super::{AllowList, AvatarError};

/// The largest picture body we read.
pub const MAX_PICTURE_BYTES: usize = 5 * 1024 * 1024;
/// Redirects followed from the provider's URL (Facebook's Graph picture redirects to the CDN).
pub const MAX_REDIRECTS: usize = 3;

/// GETs `url`, following up to [`MAX_REDIRECTS`] redirects, each target checked first.
pub async fn fetch_picture(
    http: &reqwest::Client,
    mut url: Url,
    allowed: &AllowList,
) -> Result<Vec<u8>, AvatarError> {
    for _ in 0..=MAX_REDIRECTS {
        allowed.check(&url)?;
        let res = http
            .get(url.clone())
            .header(ACCEPT, "image/png,image/jpeg,image/gif,image/webp")
            .send()
            .await?;
        if res.status().is_redirection() {
            let location = res
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(AvatarError::Redirects)?;
            url = url.join(location).map_err(|_| AvatarError::Redirects)?;
            continue;
        }
        if !res.status().is_success() {
            return Err(AvatarError::Status(res.status().as_u16()));
        }
        return read_capped(res).await;
    }
    Err(AvatarError::Redirects)
}

/// The body, refused as soon as it is known to exceed [`MAX_PICTURE_BYTES`]: by its declared
/// length first, then by counting what arrives.
async fn read_capped(mut res: reqwest::Response) -> Result<Vec<u8>, AvatarError> {
    if res
        .content_length()
        .is_some_and(|n| n > MAX_PICTURE_BYTES as u64)
    {
        return Err(AvatarError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await? {
        if body.len() + chunk.len() > MAX_PICTURE_BYTES {
            return Err(AvatarError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
