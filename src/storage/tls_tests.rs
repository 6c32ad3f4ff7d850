use super::needs_tls_with_env;
use crate::core::ProxySetting;

fn needs(endpoint: &str, static_keys: bool, proxy: &str, env: &[(&str, &str)]) -> bool {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    needs_tls_with_env(endpoint, static_keys, &ProxySetting::new(proxy), |name| {
        env.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    })
}

#[test]
fn a_plain_http_endpoint_with_static_keys_needs_no_tls() {
    assert!(!needs("http://127.0.0.1:9000", true, "", &[]));
    assert!(!needs(" HTTP://minio.lan:9000 ", true, "", &[]));
    assert!(!needs("http://127.0.0.1:9000", true, "http://proxy.lan:3128", &[]));
    assert!(!needs(
        "http://127.0.0.1:9000",
        true,
        "",
        &[("HTTP_PROXY", "http://proxy.lan:3128")]
    ));
    assert!(!needs(
        "http://127.0.0.1:9000",
        true,
        "none",
        &[("ALL_PROXY", "https://proxy.lan")]
    ));
}

#[test]
fn https_anywhere_on_the_way_needs_tls() {
    assert!(needs("https://s3.example.com", true, "", &[]));
    assert!(needs("", true, "", &[]), "AWS itself");
    assert!(
        needs("http://127.0.0.1:9000", false, "", &[]),
        "the credential chain may call https"
    );
    assert!(needs("http://127.0.0.1:9000", true, "HTTPS://proxy.lan:443", &[]));
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        assert!(
            needs("http://127.0.0.1:9000", true, "", &[(name, "https://proxy.lan")]),
            "{name}"
        );
    }
}
