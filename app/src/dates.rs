//! Times in the words people use: "5 minutes ago", "1 December 2026 at 14:05 UTC". Pages are
//! rendered on the server, which knows no one's time zone, so absolute times say UTC.

use chrono::{DateTime, Utc};

/// "just now", "5 minutes ago", "3 hours ago", "2 days ago".
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds().max(0);
    let (n, unit) = match seconds {
        0..60 => return "just now".to_owned(),
        60..3600 => (seconds / 60, "minute"),
        3600..86_400 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// "28 November 2026".
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

/// "1 December 2026 at 14:05 UTC".
pub fn day_and_time(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_people_say_them() {
        let now = Utc::now();
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now, now - chrono::Duration::minutes(1)), "1 minute ago");
        assert_eq!(
            ago(now, now - chrono::Duration::minutes(5)),
            "5 minutes ago"
        );
        assert_eq!(ago(now, now - chrono::Duration::hours(3)), "3 hours ago");
        assert_eq!(ago(now, now - chrono::Duration::days(2)), "2 days ago");
        assert_eq!(ago(now, now + chrono::Duration::minutes(2)), "just now");
    }

    #[test]
    fn days_and_times_are_spelled_out() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T14:05:09Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(day(at), "1 December 2026");
        assert_eq!(day_and_time(at), "1 December 2026 at 14:05 UTC");
    }
}
