//! A string that never shows up in logs or debug output.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Secret text such as an S3 secret key. `Debug` and `Display` print a mask,
/// so a config or command can be logged without leaking it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value: call only where it is handed to the S3 client or saved.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("Secret(<empty>)")
        } else {
            f.write_str("Secret(******)")
        }
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::new("wJalrXUtnFEMI/K7MDENG");
        assert!(!format!("{secret:?}").contains("wJalr"));
        assert!(!format!("{secret}").contains("wJalr"));
        assert_eq!(secret.expose(), "wJalrXUtnFEMI/K7MDENG");
    }
}
