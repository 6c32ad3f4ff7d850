//! How long a pre-signed link stays valid.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// S3 refuses pre-signed URLs that live longer than 7 days.
pub const MAX_LINK_EXPIRY_SECS: u64 = 7 * 24 * 60 * 60;

/// Validity of a pre-signed link: between 1 second and 7 days.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExpiryText", into = "String")]
pub struct LinkExpiry {
    secs: u64,
}

impl LinkExpiry {
    pub const MAX: LinkExpiry = LinkExpiry {
        secs: MAX_LINK_EXPIRY_SECS,
    };

    pub fn from_secs(secs: u64) -> Result<Self, String> {
        if secs == 0 {
            return Err("a link must stay valid for at least 1 second".into());
        }
        if secs > MAX_LINK_EXPIRY_SECS {
            return Err(format!(
                "{} is longer than 7 days, the most S3 allows for a pre-signed link",
                humantime::format_duration(Duration::from_secs(secs))
            ));
        }
        Ok(Self { secs })
    }

    /// Parses `1h`, `1d`, `7d`, `90m`, `1d 12h` or a plain number of seconds.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("it is empty; use 1h, 1d, 7d or a number of seconds".into());
        }
        let secs = if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u64>().map_err(|e| format!("`{text}`: {e}"))?
        } else {
            humantime::parse_duration(text)
                .map_err(|e| format!("`{text}` is not a duration ({e}); use 1h, 1d, 7d or a number of seconds"))?
                .as_secs()
        };
        Self::from_secs(secs)
    }

    pub fn as_secs(self) -> u64 {
        self.secs
    }

    pub fn as_duration(self) -> Duration {
        Duration::from_secs(self.secs)
    }
}

impl Default for LinkExpiry {
    fn default() -> Self {
        Self::MAX
    }
}

/// The largest whole unit: `7d`, `36h`, `90m`, `45s` (as people write it in config.toml).
impl fmt::Display for LinkExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.secs;
        match secs {
            s if s % 86_400 == 0 => write!(f, "{}d", s / 86_400),
            s if s % 3_600 == 0 => write!(f, "{}h", s / 3_600),
            s if s % 60 == 0 => write!(f, "{}m", s / 60),
            s => write!(f, "{s}s"),
        }
    }
}

impl fmt::Debug for LinkExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkExpiry({self})")
    }
}

impl From<LinkExpiry> for String {
    fn from(value: LinkExpiry) -> Self {
        value.to_string()
    }
}

/// The TOML form: a string such as `"7d"` or a bare number of seconds.
#[derive(Deserialize)]
#[serde(untagged)]
enum ExpiryText {
    Secs(u64),
    Text(String),
}

impl TryFrom<ExpiryText> for LinkExpiry {
    type Error = String;

    fn try_from(value: ExpiryText) -> Result<Self, Self::Error> {
        match value {
            ExpiryText::Secs(secs) => Self::from_secs(secs),
            ExpiryText::Text(text) => Self::parse(&text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_parse_to_seconds() {
        assert_eq!(LinkExpiry::parse("1h").map(LinkExpiry::as_secs), Ok(3600));
        assert_eq!(LinkExpiry::parse("1d").map(LinkExpiry::as_secs), Ok(86_400));
        assert_eq!(LinkExpiry::parse("7d").map(LinkExpiry::as_secs), Ok(604_800));
        assert_eq!(LinkExpiry::parse("3600").map(LinkExpiry::as_secs), Ok(3600));
        assert_eq!(LinkExpiry::parse(" 1d 12h ").map(LinkExpiry::as_secs), Ok(129_600));
    }

    #[test]
    fn more_than_seven_days_or_zero_is_refused() {
        assert!(LinkExpiry::parse("8d").unwrap_err().contains("7 days"));
        assert!(LinkExpiry::parse("604801").is_err());
        assert!(LinkExpiry::parse("0").is_err());
        assert!(LinkExpiry::parse("soon").unwrap_err().contains("not a duration"));
    }

    #[test]
    fn display_round_trips_through_parse() {
        assert_eq!(LinkExpiry::parse("1d 12h").unwrap().to_string(), "36h");
        for text in ["1h", "1d", "7d", "90m", "45s", "3601s"] {
            let expiry = LinkExpiry::parse(text).unwrap();
            assert_eq!(expiry.to_string(), text);
            let back = LinkExpiry::parse(&String::from(expiry)).unwrap();
            assert_eq!(expiry, back, "{text}");
        }
    }
}
