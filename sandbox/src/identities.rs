//! The test people: the same three accounts exist on every sandbox provider.

use app::connections::ProviderId;
use sha2::{Digest, Sha256};

/// One test person as every provider knows them.
#[derive(Debug)]
pub(crate) struct Identity {
    /// Stable key used in forms and picture URLs.
    pub key: &'static str,
    /// Given name.
    pub first: &'static str,
    /// Family name.
    pub last: &'static str,
    /// Display name, "First Last".
    pub display_name: &'static str,
    /// Handle on X, Instagram and the profile pages.
    pub username: &'static str,
    /// Verified email address (Facebook and Google share it).
    pub email: &'static str,
    /// The colour of their picture.
    pub colour: &'static str,
}

/// All test people, in the order the consent page lists them (the first is preselected).
pub(crate) const IDENTITIES: &[Identity] = &[
    Identity {
        key: "ada",
        first: "Ada",
        last: "Lovelace",
        display_name: "Ada Lovelace",
        username: "ada_lovelace",
        email: "ada@sandbox.test",
        colour: "#7b3fa0",
    },
    Identity {
        key: "grace",
        first: "Grace",
        last: "Hopper",
        display_name: "Grace Hopper",
        username: "grace_hopper",
        email: "grace@sandbox.test",
        colour: "#1f6f8b",
    },
    Identity {
        key: "alan",
        first: "Alan",
        last: "Turing",
        display_name: "Alan Turing",
        username: "alan_turing",
        email: "alan@sandbox.test",
        colour: "#b5542d",
    },
];

/// How many load-test people there are: `tester-1` … `tester-1000`.
pub const TESTERS: usize = 1000;

/// People for load and concurrency tests, which need more distinct accounts than three:
/// accepted by the consent form like the listed people, but not shown on it.
fn testers() -> &'static [Identity] {
    static TESTER_LIST: std::sync::OnceLock<Vec<Identity>> = std::sync::OnceLock::new();
    TESTER_LIST.get_or_init(|| {
        // Made once per process and kept for its life, like the listed people.
        let keep = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        (1..=TESTERS)
            .map(|n| Identity {
                key: keep(format!("tester-{n}")),
                first: "Tester",
                last: keep(n.to_string()),
                display_name: keep(format!("Tester {n}")),
                username: keep(format!("tester_{n}")),
                email: keep(format!("tester-{n}@sandbox.test")),
                colour: "#4a5568",
            })
            .collect()
    })
}

/// Looks a person up by key (a listed person or a load-test one).
pub(crate) fn find(key: &str) -> Option<&'static Identity> {
    IDENTITIES
        .iter()
        .chain(testers())
        .find(|identity| identity.key == key)
}

/// Looks a person up by username (for the public profile pages).
pub(crate) fn by_username(username: &str) -> Option<&'static Identity> {
    IDENTITIES
        .iter()
        .find(|identity| identity.username == username)
}

impl Identity {
    /// "First Last".
    pub fn name(&self) -> &'static str {
        self.display_name
    }

    /// The person's id in the style of `provider`: Facebook 15 digits, X 19,
    /// Instagram 17 starting 1784, Google 21. Hash-derived so restarts keep ids stable.
    pub fn provider_id(&self, provider: ProviderId) -> String {
        let n = digest_number(provider.slug(), self.key);
        match provider {
            ProviderId::Facebook => format!("10{:013}", n % 10u128.pow(13)),
            ProviderId::X => format!("1{:018}", n % 10u128.pow(18)),
            ProviderId::Instagram => format!("1784{:013}", n % 10u128.pow(13)),
            ProviderId::Google => format!("1{:020}", n % 10u128.pow(20)),
        }
    }

    /// Instagram's app-scoped user id: what the token response's numeric `user_id`
    /// and `/me`'s `id` carry, distinct from the professional account id (`user_id` on `/me`).
    pub fn instagram_scoped_id(&self) -> u64 {
        let n = digest_number("instagram-app-scoped", self.key);
        // 17 digits starting with 2, like real app-scoped ids.
        20_000_000_000_000_000 + (n % 10u128.pow(16)) as u64
    }
}

/// A number derived from a SHA-256 of provider and key.
fn digest_number(provider: &str, key: &str) -> u128 {
    let hash = Sha256::digest(format!("{provider}:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    u128::from_be_bytes(bytes)
}
