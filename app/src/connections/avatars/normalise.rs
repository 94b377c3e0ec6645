//! Decoding within limits and re-encoding as a square PNG.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{ImageFormat, ImageReader, Limits};

use super::AvatarError;

/// Side of the square we keep, in pixels (the largest place we show it is 5rem).
pub const AVATAR_SIDE: u32 = 160;
/// Largest width and height we decode.
const MAX_DIMENSION: u32 = 4096;
/// What the decoder may allocate: a 4096×4096 RGBA image and some working room.
const MAX_DECODE_ALLOC: u64 = 96 * 1024 * 1024;

/// Decodes a PNG, JPEG, GIF (first frame) or WebP within [`MAX_DIMENSION`] and
/// [`MAX_DECODE_ALLOC`], crops it to the centred square and returns it as a
/// [`AVATAR_SIDE`]-pixel PNG. Anything else (SVG, HTML, a truncated file) is refused.
pub fn normalise(bytes: &[u8]) -> Result<Vec<u8>, AvatarError> {
    let not_image = |e: &dyn std::fmt::Display| AvatarError::NotAnImage(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| not_image(&e))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP) => {}
        _ => return Err(AvatarError::NotAnImage("unknown format".into())),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| not_image(&e))?;
    let square = image
        .resize_to_fill(AVATAR_SIDE, AVATAR_SIDE, FilterType::Triangle)
        .into_rgba8();
    let mut png = Vec::new();
    square
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| AvatarError::Encode(e.to_string()))?;
    Ok(png)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn normalise_makes_a_square_png_and_refuses_the_rest() {
        let mut wide = Vec::new();
        image::RgbImage::from_pixel(400, 200, image::Rgb([200, 10, 10]))
            .write_to(&mut Cursor::new(&mut wide), ImageFormat::Png)
            .unwrap();
        let png = normalise(&wide).unwrap();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (AVATAR_SIDE, AVATAR_SIDE)
        );
        assert_eq!(
            normalise(&wide).unwrap(),
            png,
            "deterministic, so hashes repeat"
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        for refused in [
            &svg[..],
            b"<!doctype html><p>hi",
            &wide[..wide.len() / 2],
            b"",
        ] {
            assert!(matches!(
                normalise(refused),
                Err(AvatarError::NotAnImage(_))
            ));
        }
    }

    #[test]
    fn huge_dimensions_are_refused_before_decoding() {
        // A valid PNG header claiming 20000×20000 pixels: a decompression bomb's shape.
        let mut bomb = Vec::new();
        image::GrayImage::new(1, 1)
            .write_to(&mut Cursor::new(&mut bomb), ImageFormat::Png)
            .unwrap();
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let refused = normalise(&bomb);
        assert!(
            matches!(&refused, Err(AvatarError::NotAnImage(why)) if why.contains("exceeds limit")),
            "{refused:?}"
        );
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
