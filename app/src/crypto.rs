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
    /// A stored value is not ours, was altered, belongs to another row, or was sealed with
    /// another key.
    #[error("a stored secret could not be decrypted (was SECRET_KEY changed?)")]
    Decrypt,
    /// A stored value names a key that is neither `SECRET_KEY` nor one of `SECRET_KEY_OLD`.
    #[error(
        "a stored secret was sealed with a key that is no longer configured (add it to SECRET_KEY_OLD)"
    )]
    UnknownKey,
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

/// The format before key ids: `v1:` + base64(nonce ‖ ciphertext), the purpose alone as
/// associated data. Still opened (with every key of the ring), never written.
const LEGACY_PREFIX: &str = "v1:";
/// The current format: `v2:{key id}:` + base64(nonce ‖ ciphertext), with the purpose and the
/// row as associated data.
const PREFIX: &str = "v2:";

/// What a sealed value is and which row holds it, authenticated with it: a value copied into
/// another column (purpose) or another row does not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    purpose: String,
    row: String,
}

impl Binding {
    /// `purpose` names the column and provider (`access_token:google`), the only associated
    /// data of the `v1` format; `row` names the row (`user:42`).
    pub fn new(purpose: impl Into<String>, row: impl Into<String>) -> Self {
        Self {
            purpose: purpose.into(),
            row: row.into(),
        }
    }

    /// The associated data of the current format. The purpose never holds a `|`, so no two
    /// bindings give the same bytes.
    fn aad(&self) -> String {
        format!("{}|{}", self.purpose, self.row)
    }
}

/// One key of the ring and its id.
#[derive(Clone)]
struct Key {
    id: String,
    cipher: Aes256Gcm,
}

impl Key {
    fn from_base64(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| CryptoError::InvalidKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self {
            id: key_id(&bytes),
            cipher,
        })
    }

    fn open(&self, nonce_and_body: &[u8], aad: &[u8]) -> Result<Secret, CryptoError> {
        if nonce_and_body.len() < 12 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, body) = nonce_and_body.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain)
            .map(Secret)
            .map_err(|_| CryptoError::Decrypt)
    }
}

/// A key's id: the first 4 bytes of its SHA-256, in hex. Names the key a value was sealed with
/// (so opening picks it without trying each) and tells nothing usable about the key.
fn key_id(key: &[u8]) -> String {
    sha256_hex(key)[..8].to_owned()
}

/// Seals with the current key and opens with it or any old key listed for reading, so the key
/// can be changed without losing what is stored (`server rekey` then re-seals everything).
#[derive(Clone)]
pub struct SecretCipher {
    current: Key,
    old: Vec<Key>,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher([redacted])")
    }
}

impl SecretCipher {
    /// A cipher over a base64 key of 32 bytes.
    pub fn from_base64(key: &str) -> Result<Self, CryptoError> {
        Ok(Self {
            current: Key::from_base64(key)?,
            old: Vec::new(),
        })
    }

    /// The same cipher, also opening values sealed with `old_keys` (base64, 32 bytes each).
    pub fn with_old_keys<'a>(
        mut self,
        old_keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, CryptoError> {
        for key in old_keys {
            let key = Key::from_base64(key)?;
            if key.id != self.current.id && self.old.iter().all(|k| k.id != key.id) {
                self.old.push(key);
            }
        }
        Ok(self)
    }

    /// The id of the current key, written in front of every value it seals.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// A fresh random key, base64-encoded.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    /// Seals `plain` with the current key, bound to `binding`.
    pub fn seal(&self, plain: &str, binding: &Binding) -> Result<String, CryptoError> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let aad = binding.aad();
        let sealed = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!(
            "{PREFIX}{}:{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(out)
        ))
    }

    /// Opens a value sealed by [`Self::seal`] (with this key or an old one) under the same
    /// binding, or one of the `v1` format under the same purpose.
    pub fn open(&self, sealed: &str, binding: &Binding) -> Result<Secret, CryptoError> {
        if let Some(rest) = sealed.strip_prefix(PREFIX) {
            let (id, raw) = rest.split_once(':').ok_or(CryptoError::Decrypt)?;
            let key = self.key(id).ok_or(CryptoError::UnknownKey)?;
            return key.open(&decode(raw)?, binding.aad().as_bytes());
        }
        let raw = sealed
            .strip_prefix(LEGACY_PREFIX)
            .ok_or(CryptoError::Decrypt)?;
        let bytes = decode(raw)?;
        // No key id: each key is tried, the current one first.
        std::iter::once(&self.current)
            .chain(&self.old)
            .find_map(|key| key.open(&bytes, binding.purpose.as_bytes()).ok())
            .ok_or(CryptoError::Decrypt)
    }

    /// Whether `sealed` is already in the current format under the current key: `server
    /// rekey` leaves such a value alone, which makes a second run (or a resumed one) cheap.
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id == self.current.id)
    }

    fn key(&self, id: &str) -> Option<&Key> {
        std::iter::once(&self.current)
            .chain(&self.old)
            .find(|key| key.id == id)
    }
}

fn decode(raw: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> SecretCipher {
        SecretCipher::from_base64(&SecretCipher::generate_key()).unwrap()
    }

    fn token_of(user: i64) -> Binding {
        Binding::new("token:x", format!("user:{user}"))
    }

    /// A value as the code before key ids sealed it: `v1:` + base64(nonce ‖ ciphertext), the
    /// purpose alone as associated data.
    fn seal_v1(key: &str, plain: &str, purpose: &str) -> String {
        let bytes = STANDARD.decode(key).unwrap();
        let aes = Aes256Gcm::new_from_slice(&bytes).unwrap();
        let nonce = [7u8; 12];
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: purpose.as_bytes(),
        };
        let mut out = nonce.to_vec();
        out.extend(aes.encrypt(Nonce::from_slice(&nonce), payload).unwrap());
        format!("v1:{}", URL_SAFE_NO_PAD.encode(out))
    }

    #[test]
    fn sealed_values_open_only_with_their_key_purpose_and_row() {
        let cipher = cipher();
        let sealed = cipher.seal("s3cret", &token_of(1)).unwrap();
        assert!(!sealed.contains("s3cret"));
        assert_eq!(
            cipher.open(&sealed, &token_of(1)).unwrap().expose(),
            "s3cret"
        );
        assert!(cipher.open(&sealed, &token_of(2)).is_err(), "another row");
        let other_purpose = Binding::new("token:google", "user:1");
        assert!(cipher.open(&sealed, &other_purpose).is_err());
        assert!(matches!(
            self::cipher().open(&sealed, &token_of(1)),
            Err(CryptoError::UnknownKey)
        ));
        assert_ne!(
            sealed,
            cipher.seal("s3cret", &token_of(1)).unwrap(),
            "nonces must differ"
        );
    }

    #[test]
    fn values_carry_the_id_of_their_key() {
        let key = SecretCipher::generate_key();
        let cipher = SecretCipher::from_base64(&key).unwrap();
        let id = sha256_hex(STANDARD.decode(&key).unwrap())[..8].to_owned();
        assert_eq!(cipher.current_key_id(), id);
        let sealed = cipher.seal("v", &token_of(1)).unwrap();
        assert!(sealed.starts_with(&format!("v2:{id}:")), "{sealed}");
        assert!(cipher.is_current(&sealed));
        assert!(!self::cipher().is_current(&sealed));
    }

    #[test]
    fn old_keys_open_what_they_sealed_and_never_seal() {
        let old_key = SecretCipher::generate_key();
        let old = SecretCipher::from_base64(&old_key).unwrap();
        let sealed = old.seal("kept", &token_of(1)).unwrap();
        let new = cipher().with_old_keys([old_key.as_str()]).unwrap();
        assert_eq!(new.open(&sealed, &token_of(1)).unwrap().expose(), "kept");
        assert!(!new.is_current(&sealed));
        let resealed = new.seal("kept", &token_of(1)).unwrap();
        assert!(new.is_current(&resealed));
        assert!(old.open(&resealed, &token_of(1)).is_err());
        assert!(cipher().with_old_keys(["short"]).is_err());
    }

    #[test]
    fn the_format_without_key_id_still_opens_with_any_key_of_the_ring() {
        let old_key = SecretCipher::generate_key();
        let legacy = seal_v1(&old_key, "from before", "token:x");
        let ring = cipher().with_old_keys([old_key.as_str()]).unwrap();
        assert_eq!(
            ring.open(&legacy, &token_of(9)).unwrap().expose(),
            "from before"
        );
        assert!(!ring.is_current(&legacy));
        assert!(
            ring.open(&legacy, &Binding::new("token:google", "user:9"))
                .is_err()
        );
        assert!(
            cipher().open(&legacy, &token_of(9)).is_err(),
            "key not in the ring"
        );
    }

    #[test]
    fn a_current_value_relabelled_as_v1_does_not_open() {
        // Stripping the key id to fall back to the purpose-only check must not work: the
        // associated data of the two formats differ.
        let cipher = cipher();
        let sealed = cipher.seal("s", &token_of(1)).unwrap();
        let body = sealed.rsplit(':').next().unwrap();
        assert!(cipher.open(&format!("v1:{body}"), &token_of(1)).is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert!(SecretCipher::from_base64("short").is_err());
    }
}
