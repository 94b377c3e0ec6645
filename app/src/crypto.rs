//! Secrets at rest: client secrets and OAuth tokens are sealed with AES-256-GCM before they
//! reach the database, and carried in memory in a wrapper that never prints itself.

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// Hex SHA-256: what the database keeps instead of a state or a session id, and the key of
/// an owned picture.
pub fn sha256_hex(value: impl AsRef<[u8]>) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(value.as_ref()))
}

/// 256 random bits, URL-safe base64: leases, confirmation codes.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Why sealing or opening a secret failed.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The key is not 32 bytes of base64.
    #[error(
        "SECRET_KEY must be 32 random bytes, base64-encoded (generate one with `openssl rand -base64 32`)"
    )]
    InvalidKey,
    /// A stored value is not ours, was altered, or was sealed with another key.
    #[error("a stored secret could not be decrypted (was SECRET_KEY changed?)")]
    Decrypt,
}

/// A secret in memory: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a plain value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plain value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

const PREFIX: &str = "v1:";

/// Seals and opens secrets with the server's key.
#[derive(Clone)]
pub struct SecretCipher {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher([redacted])")
    }
}

impl SecretCipher {
    /// A cipher over a base64 key of 32 bytes.
    pub fn from_base64(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| CryptoError::InvalidKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self { cipher })
    }

    /// A fresh random key, base64-encoded.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    /// Seals `plain`; `purpose` (for example `token:google`) is authenticated with it, so a
    /// sealed value copied into another column or row does not open.
    pub fn seal(&self, plain: &str, purpose: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// Opens a value sealed by [`Self::seal`] with the same `purpose`.
    pub fn open(&self, sealed: &str, purpose: &str) -> Result<Secret, CryptoError> {
        let raw = sealed.strip_prefix(PREFIX).ok_or(CryptoError::Decrypt)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(raw)
            .map_err(|_| CryptoError::Decrypt)?;
        if bytes.len() < 12 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain)
            .map(Secret)
            .map_err(|_| CryptoError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let cipher = SecretCipher::from_base64(&SecretCipher::generate_key()).unwrap();
        let sealed = cipher.seal("s3cret", "token:x").unwrap();
        assert!(!sealed.contains("s3cret"));
        assert_eq!(cipher.open(&sealed, "token:x").unwrap().expose(), "s3cret");
        assert!(cipher.open(&sealed, "token:google").is_err());
        let other = SecretCipher::from_base64(&SecretCipher::generate_key()).unwrap();
        assert!(other.open(&sealed, "token:x").is_err());
        assert_ne!(
            sealed,
            cipher.seal("s3cret", "token:x").unwrap(),
            "nonces must differ"
        );
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert!(SecretCipher::from_base64("short").is_err());
    }
}
