//! The one answer to "at which origin do browsers reach this server?": the base of absolute
//! upload URLs and of the console's embed snippet.

use axum::http::{header, HeaderMap};

/// `configured` (`CHATDECK_PUBLIC_URL`, without a trailing `/`) when set; otherwise the
/// request's `Host`, over `X-Forwarded-Proto` when a proxy sets it to exactly `http` or
/// `https` (anything else is ignored: the header is easy to forge and lands in URLs). A `Host`
/// that is not a plain `host[:port]` gives `localhost`.
pub fn public_origin(configured: Option<&str>, headers: &HeaderMap) -> String {
    if let Some(url) = configured {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_authority(h))
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Whether a browser's `Origin` names this server: the public origin, or any scheme on the
/// host the browser asked for: the request's `Host`, or a proxy's `X-Forwarded-Host` (a
/// TLS-terminating proxy may set no `X-Forwarded-Proto`, or send its upstream's name as
/// `Host`). A page of another site cannot set `X-Forwarded-Host` on a request to this one
/// without a CORS preflight, which the console never grants. `null` and other sites are not
/// this server.
pub fn is_own_origin(configured: Option<&str>, headers: &HeaderMap, origin: &str) -> bool {
    if origin == public_origin(configured, headers) {
        return true;
    }
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    [header::HOST.as_str(), "x-forwarded-host"]
        .iter()
        .filter_map(|name| headers.get(*name)?.to_str().ok())
        .any(|host| host.trim().eq_ignore_ascii_case(authority))
}

/// A host name, IPv4 or bracketed IPv6 address with an optional port: nothing that could
/// end the origin early (`/`, `?`, `#`, `@`) or break out of an HTML attribute.
fn is_authority(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_configured_url_wins_without_its_trailing_slash() {
        let request = headers(&[("host", "internal:3000"), ("x-forwarded-proto", "http")]);
        assert_eq!(
            public_origin(Some("https://chat.example.com/"), &request),
            "https://chat.example.com"
        );
    }

    #[test]
    fn without_one_the_host_and_a_forwarded_scheme_are_used() {
        assert_eq!(
            public_origin(None, &headers(&[("host", "chat.example.com")])),
            "http://chat.example.com"
        );
        assert_eq!(
            public_origin(
                None,
                &headers(&[("host", "[::1]:3000"), ("x-forwarded-proto", "https")])
            ),
            "https://[::1]:3000"
        );
    }

    #[test]
    fn a_forwarded_scheme_other_than_http_or_https_is_ignored() {
        for proto in ["javascript", "https, http", "HTTPS", "ftp"] {
            let request = headers(&[("host", "h"), ("x-forwarded-proto", proto)]);
            assert_eq!(public_origin(None, &request), "http://h", "{proto}");
        }
    }

    #[test]
    fn only_this_server_s_own_origin_is_its_own() {
        let request = headers(&[("host", "chat.example.com")]);
        for own in ["http://chat.example.com", "https://chat.example.com"] {
            assert!(is_own_origin(None, &request, own), "{own}");
        }
        for other in [
            "https://evil.example",
            "null",
            "https://chat.example.com.evil.example",
            "chat.example.com",
        ] {
            assert!(!is_own_origin(None, &request, other), "{other}");
        }
        assert!(is_own_origin(
            Some("https://public.example"),
            &request,
            "https://public.example"
        ));
        let proxied = headers(&[
            ("host", "upstream:3000"),
            ("x-forwarded-host", "chat.example.com"),
        ]);
        assert!(is_own_origin(None, &proxied, "https://chat.example.com"));
        assert!(!is_own_origin(None, &proxied, "https://evil.example"));
    }

    #[test]
    fn a_missing_or_odd_host_is_localhost() {
        assert_eq!(public_origin(None, &HeaderMap::new()), "http://localhost");
        for host in ["evil.example/path", "a@b", "x\"><script>", ""] {
            let mut request = HeaderMap::new();
            request.insert("host", host.parse().unwrap());
            assert_eq!(public_origin(None, &request), "http://localhost", "{host}");
        }
    }
}
