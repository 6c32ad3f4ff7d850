//! Which proxy a destination's requests go through, from its `proxy`
//! setting and the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and
//! NO_PROXY, upper or lower case, read by hyper-util's matcher).

use crate::core::{ProxyChoice, ProxySetting};
use crate::storage::error::StorageError;
use aws_smithy_http_client::proxy::ProxyConfig;

/// The proxy configuration for the HTTP client. A proxy URL from the
/// settings is used for http and https alike; NO_PROXY still exempts hosts.
pub(crate) fn proxy_config(setting: &ProxySetting) -> Result<ProxyConfig, StorageError> {
    match setting.choice() {
        ProxyChoice::FromEnvironment => Ok(ProxyConfig::from_env()),
        ProxyChoice::Direct => Ok(ProxyConfig::disabled()),
        ProxyChoice::Url(url) => {
            let config = ProxyConfig::all(url).map_err(|_| StorageError::Config {
                detail: format!(
                    "the proxy {} is not a usable URL; write it like http://proxy.example.com:3128",
                    setting.masked()
                ),
            })?;
            Ok(match no_proxy_from_env() {
                Some(rules) => config.no_proxy(rules),
                None => config,
            })
        }
    }
}

fn no_proxy_from_env() -> Option<String> {
    ["NO_PROXY", "no_proxy"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.trim().is_empty()))
}
