//! A destination's `proxy` setting: empty (the environment's HTTPS_PROXY,
//! HTTP_PROXY, ALL_PROXY and NO_PROXY, upper or lower case, decide), `none`
//! (never a proxy), or a proxy URL for all of this destination's requests
//! (NO_PROXY still applies). The URL may hold a user name and password, so
//! `Debug` masks the password.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The on-screen name of the setting, used in its error messages.
pub const PROXY_LABEL: &str = "Proxy";

/// The value that turns proxies off for a destination.
pub const NO_PROXY_VALUE: &str = "none";

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProxySetting(String);

/// What a [`ProxySetting`] asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyChoice<'a> {
    /// Whatever the environment variables say.
    FromEnvironment,
    /// No proxy, whatever the environment says.
    Direct,
    /// This proxy URL.
    Url(&'a str),
}

impl ProxySetting {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text as typed (for the settings form and for saving).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text with any password replaced by `******`, for messages and logs.
    pub fn masked(&self) -> String {
        mask_password(self.0.trim())
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    pub fn choice(&self) -> ProxyChoice<'_> {
        match self.0.trim() {
            "" => ProxyChoice::FromEnvironment,
            text if text.eq_ignore_ascii_case(NO_PROXY_VALUE) => ProxyChoice::Direct,
            text => ProxyChoice::Url(text),
        }
    }

    /// Why the setting cannot be used, as one sentence naming the field; `None` when it can.
    pub fn problem(&self) -> Option<String> {
        let ProxyChoice::Url(url) = self.choice() else {
            return None;
        };
        let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
            return Some(format!(
                "{PROXY_LABEL} must start with http:// or https://, like http://proxy.example.com:3128, or be {NO_PROXY_VALUE}."
            ));
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') {
            return Some(format!(
                "{PROXY_LABEL} has no host name after the scheme, like http://proxy.example.com:3128."
            ));
        }
        if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']'))
            && port.parse::<u16>().ok().filter(|&port| port > 0).is_none()
        {
            return Some(format!(
                "{PROXY_LABEL} has a port that is not a number from 1 to 65535."
            ));
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Some(format!("{PROXY_LABEL} must not contain spaces."));
        }
        None
    }
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxySetting({:?})", self.masked())
    }
}

/// `http://user:secret@host` → `http://user:******@host`.
fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    let user = rest[..at].split(':').next().unwrap_or_default();
    format!("{scheme}://{user}:******{}", &rest[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_means_environment_and_none_means_direct() {
        assert_eq!(ProxySetting::default().choice(), ProxyChoice::FromEnvironment);
        assert_eq!(ProxySetting::new("  ").choice(), ProxyChoice::FromEnvironment);
        assert_eq!(ProxySetting::new("None").choice(), ProxyChoice::Direct);
        assert_eq!(
            ProxySetting::new(" http://p:3128 ").choice(),
            ProxyChoice::Url("http://p:3128")
        );
    }

    #[test]
    fn urls_are_checked_with_sentences_naming_the_field() {
        for good in [
            "",
            "none",
            "http://p:3128",
            "https://u:pw@p.example",
            "http://[::1]:8080/",
        ] {
            assert_eq!(ProxySetting::new(good).problem(), None, "{good}");
        }
        for bad in [
            "p:3128",
            "socks5://p:1080",
            "http://",
            "http://:3128",
            "http://p:port",
            "http://p:99999",
            "http://p:0",
            "http://p /",
        ] {
            let problem = ProxySetting::new(bad)
                .problem()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.starts_with("Proxy "), "{problem}");
            assert!(
                problem.ends_with('.') && !problem.contains("storage.proxy"),
                "{problem}"
            );
        }
        assert_eq!(
            ProxySetting::new("p:3128").problem().unwrap(),
            "Proxy must start with http:// or https://, like http://proxy.example.com:3128, or be none."
        );
    }

    #[test]
    fn debug_output_masks_the_password() {
        let shown = format!("{:?}", ProxySetting::new("http://me:hunter2@proxy:3128/"));
        assert_eq!(shown, "ProxySetting(\"http://me:******@proxy:3128/\")");
        assert_eq!(
            format!("{:?}", ProxySetting::new("http://proxy:3128")),
            "ProxySetting(\"http://proxy:3128\")"
        );
        assert_eq!(ProxySetting::new(" http://me:pw@p/ ").masked(), "http://me:******@p/");
    }
}
