//! Links through a public base URL (a CDN or a public bucket): `{base}/{key}`,
//! the key percent-encoded exactly once and nothing else added — no bucket
//! (a base for a public bucket already names it), no signature, no expiry.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The on-screen name of the setting, used in its error messages.
pub const PUBLIC_BASE_URL_LABEL: &str = "Public base URL";

/// Everything but RFC 3986's unreserved characters and `/` is encoded:
/// `+` would read as a space on some servers, `#` and `?` would end the path,
/// and `%` must not be taken for an escape.
const KEY_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// `key` as a URL path: each byte outside `A-Z a-z 0-9 - . _ ~ /` as `%XX`.
pub fn encode_key_path(key: &str) -> String {
    utf8_percent_encode(key, KEY_PATH).to_string()
}

/// The public link of `key` under `base` (one `/` between them, whatever
/// the base ends with).
pub fn public_url(base: &str, key: &str) -> String {
    format!("{}/{}", base.trim().trim_end_matches('/'), encode_key_path(key))
}

/// Why `text` cannot be a public base URL, as one sentence; `None` when it is
/// empty (no public links) or usable.
pub fn public_base_url_problem(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return Some(format!(
            "{PUBLIC_BASE_URL_LABEL} must start with https:// or http://, like https://cdn.example.com/photos."
        ));
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Some(format!(
            "{PUBLIC_BASE_URL_LABEL} has no host name after the scheme, like https://cdn.example.com."
        ));
    }
    if text.contains(['?', '#']) {
        return Some(format!(
            "{PUBLIC_BASE_URL_LABEL} must not contain ? or #, because the object key is added after it."
        ));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "{PUBLIC_BASE_URL_LABEL} must not contain spaces; write them as %20."
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_encoded_once_and_keep_their_slashes() {
        assert_eq!(encode_key_path("2026/05/a b.jpg"), "2026/05/a%20b.jpg");
        assert_eq!(encode_key_path("a+b.png"), "a%2Bb.png");
        assert_eq!(encode_key_path("100%.png"), "100%25.png");
        assert_eq!(encode_key_path("100%25.png"), "100%2525.png");
        assert_eq!(encode_key_path("#1?.gif"), "%231%3F.gif");
        assert_eq!(encode_key_path("猫.webp"), "%E7%8C%AB.webp");
        assert_eq!(encode_key_path("🐱.png"), "%F0%9F%90%B1.png");
        assert_eq!(encode_key_path("Aa0-._~"), "Aa0-._~");
        assert_eq!(encode_key_path("a&b=c;d,e@f:g"), "a%26b%3Dc%3Bd%2Ce%40f%3Ag");
    }

    #[test]
    fn links_are_base_slash_key_without_the_bucket() {
        assert_eq!(
            public_url("https://cdn.example.com", "u_a b.jpg"),
            "https://cdn.example.com/u_a%20b.jpg"
        );
        assert_eq!(
            public_url(" https://cdn.example.com/img/ ", "2026/x+y.png"),
            "https://cdn.example.com/img/2026/x%2By.png"
        );
        assert_eq!(public_url("http://h:9000/photos//", "k"), "http://h:9000/photos/k");
    }

    #[test]
    fn base_urls_are_checked_with_sentences_naming_the_field() {
        assert_eq!(public_base_url_problem(""), None);
        assert_eq!(public_base_url_problem("  "), None);
        assert_eq!(public_base_url_problem("https://cdn.example.com"), None);
        assert_eq!(public_base_url_problem("http://127.0.0.1:9000/photos/"), None);
        for bad in [
            "cdn.example.com",
            "ftp://cdn.example.com",
            "https://",
            "https:///x",
            "https://cdn.example.com/?a=1",
            "https://cdn.example.com/#x",
            "https://cdn.example.com/my photos",
        ] {
            let problem = public_base_url_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.starts_with("Public base URL "), "{problem}");
            assert!(
                problem.ends_with('.') && problem.matches(". ").count() == 0,
                "{problem}"
            );
            assert!(!problem.contains("public_base_url"), "{problem}");
        }
        assert_eq!(
            public_base_url_problem("cdn.example.com").unwrap(),
            "Public base URL must start with https:// or http://, like https://cdn.example.com/photos."
        );
    }
}
