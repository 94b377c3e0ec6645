//! A short description of a browser from its `User-Agent`, for the list of signed-in
//! sessions: "Chrome on Linux", "Safari on iPhone". Only the common browsers and systems are
//! told apart; anything else is "Unknown browser" or "unknown system". Good enough for a person
//! to recognise their own devices, and no more is claimed: the header is the browser's word.

/// "Chrome on Linux", "Firefox on Windows", or "Unknown device" without a user agent.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent.map(str::trim).filter(|a| !a.is_empty()) else {
        return "Unknown device".to_owned();
    };
    format!("{} on {}", browser(agent), system(agent))
}

/// The browser; order matters, since Edge and Opera also say Chrome, and Chrome says Safari.
fn browser(agent: &str) -> &'static str {
    const BROWSERS: [(&str, &str); 9] = [
        (" Edg", "Edge"),
        ("OPR/", "Opera"),
        ("Opera", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    BROWSERS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("Unknown browser", |(_, name)| name)
}

/// The operating system; order matters, since Android says Linux and iOS says Mac OS X.
fn system(agent: &str) -> &'static str {
    const SYSTEMS: [(&str, &str); 8] = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Macintosh", "macOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    SYSTEMS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("unknown system", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn common_browsers_are_named() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            ("curl/8.5.0", "Unknown browser on unknown system"),
        ];
        for (agent, expected) in cases {
            assert_eq!(describe_device(Some(agent)), expected, "{agent}");
        }
        assert_eq!(describe_device(None), "Unknown device");
        assert_eq!(describe_device(Some("  ")), "Unknown device");
    }
}
