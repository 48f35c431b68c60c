//! Fetching web pages and sitemaps for the knowledge base, on behalf of a document's owner.
//!
//! The owner names the address, so the fetcher must not become a way into chatdeck's own
//! network: it refuses addresses off the public internet (loopback, private, link-local with
//! the cloud metadata service, ...; see [`address::is_public`]) unless
//! [`FetchLimits::allow_private`], and it checks where it matters: IP-literal hosts before
//! connecting, names inside the resolver with the addresses actually connected to, and every
//! redirect hop again (redirects are followed here, not by reqwest). No proxy is taken from the
//! environment, since a proxy would connect on our behalf. Sizes and time are capped too.

mod address;
mod sitemap;

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};
use url::Host;

pub use address::is_public;
use address::{AddressPolicy, GuardedResolver, ResolveError};
use sitemap::Sitemap;

/// The longest address accepted, in characters.
pub const MAX_URL_CHARS: usize = 2048;

/// A sitemap index is followed this many child sitemaps deep, one level.
pub const MAX_CHILD_SITEMAPS: usize = 20;

const USER_AGENT: &str = concat!(
    "chatdeck/",
    env!("CARGO_PKG_VERSION"),
    " (knowledge base fetcher)"
);

const MIB: usize = 1024 * 1024;
const KIB: usize = 1024;

#[derive(Debug, Clone)]
pub struct FetchLimits {
    /// The largest body accepted, per page and per sitemap document (after gunzipping).
    pub max_bytes: usize,
    /// For the whole fetch of one document, redirects and reading the body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_redirects: usize,
    /// Fetch from loopback and private networks too (`CHATDECK_FETCH_ALLOW_PRIVATE=1`): for
    /// tests and intranets.
    pub allow_private: bool,
}

impl Default for FetchLimits {
    fn default() -> Self {
        Self {
            max_bytes: 5 * MIB,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_redirects: 5,
            allow_private: false,
        }
    }
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Page {
    /// The final address, after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

/// Why a fetch failed. Each reads as one sentence for the document's owner.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("The address must start with http:// or https://.")]
    NotAbsolute,
    #[error("This is not a valid web address ({0}).")]
    InvalidUrl(url::ParseError),
    #[error("Only http and https addresses can be fetched.")]
    UnsupportedScheme,
    #[error("The address has no host name.")]
    MissingHost,
    #[error("Addresses with a user name or password in them (user:pass@) are not fetched.")]
    Credentials,
    #[error("The address is longer than {MAX_URL_CHARS} characters.")]
    TooLong,
    #[error(
        "{url} resolves to a private network address ({address}), which chatdeck does not fetch."
    )]
    PrivateAddress { url: String, address: IpAddr },
    #[error("{host} could not be found (DNS).")]
    NotFound { host: String },
    #[error("Could not connect to {host} ({reason}).")]
    Connect { host: String, reason: String },
    #[error("{host} did not accept a connection within {}.", Seconds(*limit))]
    ConnectTimeout { host: String, limit: Duration },
    #[error("No answer within {}.", Seconds(*limit))]
    Timeout { limit: Duration },
    #[error("More than {limit} redirects.")]
    TooManyRedirects { limit: usize },
    #[error("The server answered {} but gave no valid address to go to.", Status(*status))]
    BadRedirect { status: StatusCode },
    #[error("The server answered {}.", Status(*status))]
    Status { status: StatusCode },
    #[error("The page is larger than {}.", Size(*limit))]
    PageTooLarge { limit: usize },
    #[error("The sitemap is larger than {}.", Size(*limit))]
    SitemapTooLarge { limit: usize },
    #[error("The connection failed while talking to the server ({reason}).")]
    Transfer { reason: String },
    #[error("The sitemap is not valid XML: {reason}.")]
    InvalidSitemapXml { reason: String },
    #[error("The sitemap is gzipped but does not unpack ({reason}).")]
    InvalidSitemapGzip { reason: String },
    #[error("The document is not a sitemap: it has no <urlset> or <sitemapindex>.")]
    NotASitemap,
}

/// A duration as the owner reads it: "20 seconds", "1 second", "0.5 seconds".
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.as_secs_f64();
        if seconds == 1.0 {
            f.write_str("1 second")
        } else {
            write!(f, "{seconds} seconds")
        }
    }
}

/// A size in the largest binary unit that divides it: "5 MiB", "64 KiB", "1000 bytes".
struct Size(usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("0 bytes"),
            bytes if bytes % MIB == 0 => write!(f, "{} MiB", bytes / MIB),
            bytes if bytes % KIB == 0 => write!(f, "{} KiB", bytes / KIB),
            1 => f.write_str("1 byte"),
            bytes => write!(f, "{bytes} bytes"),
        }
    }
}

/// A status as "404 Not Found", or only its number when it has no standard reason.
struct Status(StatusCode);

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.canonical_reason() {
            Some(reason) => write!(f, "{} {reason}", self.0.as_u16()),
            None => write!(f, "{}", self.0.as_u16()),
        }
    }
}

/// Checks a URL as the API receives it, without any network: http or https, a host, no
/// credentials, at most [`MAX_URL_CHARS`] characters. Where the host points is checked when
/// fetching (see [`Fetcher::check_url`] for IP-literal hosts up front).
pub fn validate_url(raw: &str) -> Result<Url, FetchError> {
    // Counted before parsing so an enormous input costs no parsing.
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(FetchError::TooLong);
    }
    let url = Url::parse(raw).map_err(|error| match error {
        url::ParseError::RelativeUrlWithoutBase => FetchError::NotAbsolute,
        url::ParseError::EmptyHost => FetchError::MissingHost,
        error => FetchError::InvalidUrl(error),
    })?;
    check_shape(url)
}

/// The rules of [`validate_url`] on a parsed URL, as a redirect's target arrives.
fn check_shape(url: Url) -> Result<Url, FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme);
    }
    if url.host().is_none() {
        return Err(FetchError::MissingHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::Credentials);
    }
    // Parsing percent-encodes, so the URL sent can be longer than the one given.
    if url.as_str().chars().count() > MAX_URL_CHARS {
        return Err(FetchError::TooLong);
    }
    Ok(url)
}

/// Which kind of document is being fetched: what to ask for and how to word its size limit.
#[derive(Clone, Copy)]
enum Document {
    Page,
    Sitemap,
}

impl Document {
    fn accept(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Page => {
                "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.5"
            }
            Self::Sitemap => "application/xml,text/xml;q=0.9,application/gzip;q=0.8,*/*;q=0.5",
        })
    }

    fn too_large(self, limit: usize) -> FetchError {
        match self {
            Self::Page => FetchError::PageTooLarge { limit },
            Self::Sitemap => FetchError::SitemapTooLarge { limit },
        }
    }
}

/// Fetches pages and sitemaps within [`FetchLimits`], refusing addresses off the public
/// internet unless allowed. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: FetchLimits,
    policy: AddressPolicy,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    pub fn new(limits: FetchLimits) -> Self {
        let policy: AddressPolicy = if limits.allow_private {
            Arc::new(|_| true)
        } else {
            Arc::new(is_public)
        };
        Self::with_address_policy(limits, policy)
    }

    /// A fetcher that connects only where `policy` allows, whatever `limits.allow_private`
    /// says.
    pub(crate) fn with_address_policy(limits: FetchLimits, policy: AddressPolicy) -> Self {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(limits.connect_timeout)
            .dns_resolver(Arc::new(GuardedResolver::new(Arc::clone(&policy))))
            .build()
            .expect("the HTTP client is built from fixed settings with rustls, which cannot fail");
        Self {
            client,
            limits,
            policy,
        }
    }

    pub fn limits(&self) -> &FetchLimits {
        &self.limits
    }

    /// [`validate_url`], and for an IP-literal host (`http://10.0.0.5/`, `http://[::1]/`,
    /// `http://2130706433/`) whether this fetcher may connect to it, still without any network.
    /// Named hosts are checked when connecting.
    pub fn check_url(&self, raw: &str) -> Result<Url, FetchError> {
        let url = validate_url(raw)?;
        self.check_literal_host(&url)?;
        Ok(url)
    }

    fn check_literal_host(&self, url: &Url) -> Result<(), FetchError> {
        let address = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(FetchError::MissingHost),
        };
        if (self.policy)(address) {
            Ok(())
        } else {
            Err(FetchError::PrivateAddress {
                url: url.to_string(),
                address,
            })
        }
    }

    /// One page: a GET with chatdeck's User-Agent, asking for HTML first; only a 2xx answer's
    /// body, read up to [`FetchLimits::max_bytes`]; redirects followed up to
    /// [`FetchLimits::max_redirects`], each hop checked like the first address.
    pub async fn page(&self, url: &str) -> Result<Page, FetchError> {
        self.fetch(url, Document::Page).await
    }

    /// The page addresses a sitemap lists: a `<urlset>`'s, or those of the child sitemaps of a
    /// `<sitemapindex>` (the first [`MAX_CHILD_SITEMAPS`], not followed further), gzipped or
    /// not. Valid http(s) addresses only, without `#fragment`, de-duplicated, in document
    /// order, at most `max_pages`. A child sitemap that fails is skipped, unless all do: then
    /// the first one's error is returned.
    pub async fn sitemap(&self, url: &str, max_pages: usize) -> Result<Vec<String>, FetchError> {
        let mut pages = PageList::new(max_pages);
        match self.sitemap_document(url).await? {
            Sitemap::Pages(listed) => pages.extend(listed),
            Sitemap::Index(children) => {
                let mut first_failure = None;
                let mut any_read = false;
                for child in children
                    .iter()
                    .filter(|child| validate_url(child).is_ok())
                    .take(MAX_CHILD_SITEMAPS)
                {
                    if pages.is_full() {
                        break;
                    }
                    match self.sitemap_document(child).await {
                        Ok(Sitemap::Pages(listed)) => {
                            any_read = true;
                            pages.extend(listed);
                        }
                        // One level only: a nested index adds nothing.
                        Ok(Sitemap::Index(_)) => any_read = true,
                        Err(error) => {
                            first_failure.get_or_insert(error);
                        }
                    }
                }
                if let (false, Some(error)) = (any_read, first_failure) {
                    return Err(error);
                }
            }
        }
        Ok(pages.urls)
    }

    async fn sitemap_document(&self, url: &str) -> Result<Sitemap, FetchError> {
        let document = self.fetch(url, Document::Sitemap).await?;
        sitemap::parse(&sitemap::text(&document.bytes, self.limits.max_bytes)?)
    }

    async fn fetch(&self, raw: &str, document: Document) -> Result<Page, FetchError> {
        let url = validate_url(raw)?;
        let limit = self.limits.timeout;
        tokio::time::timeout(limit, self.follow(url, document))
            .await
            .unwrap_or(Err(FetchError::Timeout { limit }))
    }

    async fn follow(&self, mut url: Url, document: Document) -> Result<Page, FetchError> {
        let mut redirects = 0;
        loop {
            self.check_literal_host(&url)?;
            let response = self
                .client
                .get(url.clone())
                .header(ACCEPT, document.accept())
                .send()
                .await
                .map_err(|error| request_error(&error, &url, self.limits.connect_timeout))?;
            let status = response.status();
            if is_redirect(status) {
                if redirects == self.limits.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        limit: self.limits.max_redirects,
                    });
                }
                redirects += 1;
                url = redirect_target(&url, &response)?;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status { status });
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let bytes = read_capped(response, self.limits.max_bytes, document).await?;
            return Ok(Page {
                url: url.into(),
                content_type,
                bytes,
            });
        }
    }
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    )
}

/// Where a redirect points, relative to the address that answered it, held to the same rules as
/// the first address.
fn redirect_target(from: &Url, response: &reqwest::Response) -> Result<Url, FetchError> {
    let bad_redirect = || FetchError::BadRedirect {
        status: response.status(),
    };
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(bad_redirect)?;
    let target = from.join(location).map_err(|_| bad_redirect())?;
    check_shape(target)
}

/// The body, refused as soon as it is known to exceed `max_bytes`: by its Content-Length before
/// reading anything, else while it streams in.
async fn read_capped(
    mut response: reqwest::Response,
    max_bytes: usize,
    document: Document,
) -> Result<Bytes, FetchError> {
    let announced = response.content_length();
    if announced.is_some_and(|length| length > u64::try_from(max_bytes).unwrap_or(u64::MAX)) {
        return Err(document.too_large(max_bytes));
    }
    let mut body = BytesMut::with_capacity(
        announced
            .and_then(|length| usize::try_from(length).ok())
            .unwrap_or(0),
    );
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| FetchError::Transfer {
            reason: innermost_reason(&error),
        })?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(document.too_large(max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Words a failed request: the resolver's refusal or failure (carried inside reqwest's error),
/// a connection that timed out or failed, or a broken exchange.
fn request_error(error: &reqwest::Error, url: &Url, connect_timeout: Duration) -> FetchError {
    let host = url.host_str().unwrap_or_default().to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(resolve) = cause.downcast_ref::<ResolveError>() {
            return match resolve {
                ResolveError::NotFound { host } => FetchError::NotFound { host: host.clone() },
                ResolveError::Refused { address, .. } => FetchError::PrivateAddress {
                    url: url.to_string(),
                    address: *address,
                },
            };
        }
        source = cause.source();
    }
    if error.is_connect() && error.is_timeout() {
        return FetchError::ConnectTimeout {
            host,
            limit: connect_timeout,
        };
    }
    if error.is_connect() {
        return FetchError::Connect {
            host,
            reason: innermost_reason(error),
        };
    }
    FetchError::Transfer {
        reason: innermost_reason(error),
    }
}

/// The most specific cause of an error (an I/O error's "Connection refused (os error 111)"
/// rather than reqwest's "error sending request for url").
fn innermost_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    innermost.to_string()
}

/// The pages a sitemap yields: valid, without fragment, first occurrence only, up to a cap.
struct PageList {
    max: usize,
    seen: HashSet<String>,
    urls: Vec<String>,
}

impl PageList {
    fn new(max: usize) -> Self {
        Self {
            max,
            seen: HashSet::new(),
            urls: Vec::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.urls.len() >= self.max
    }

    fn extend(&mut self, listed: Vec<String>) {
        for raw in listed {
            if self.is_full() {
                return;
            }
            let Ok(mut url) = validate_url(&raw) else {
                continue;
            };
            url.set_fragment(None);
            let url = String::from(url);
            if self.seen.insert(url.clone()) {
                self.urls.push(url);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::io::Write;
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use axum::body::Body;
    use axum::extract::Path;
    use axum::http::HeaderMap;
    use axum::response::{Html, IntoResponse, Redirect, Response};
    use axum::routing::get;
    use axum::Router;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    const OTHER_LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

    fn private_allowed() -> Fetcher {
        Fetcher::new(FetchLimits {
            allow_private: true,
            ..FetchLimits::default()
        })
    }

    /// Both 127.0.0.1 and 127.0.0.2 are loopback on Linux: allowing only the first lets a test
    /// see a refusal without leaving the machine.
    fn only_127_0_0_1(limits: FetchLimits) -> Fetcher {
        Fetcher::with_address_policy(limits, Arc::new(|address| address == LOOPBACK))
    }

    async fn serve(ip: IpAddr, router: Router) -> SocketAddr {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        address
    }

    /// A server on `ip` whose every path answers a small page, counting the requests.
    async fn counting_server(ip: IpAddr) -> (SocketAddr, Arc<AtomicUsize>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&hits);
        let router = Router::new().fallback(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Html("<p>reached</p>") }
        });
        (serve(ip, router).await, hits)
    }

    /// A server that reads a request, writes `head` and then holds the connection open
    /// without another byte.
    async fn stalling_server(head: &'static str) -> SocketAddr {
        let listener = TcpListener::bind((LOOPBACK, 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0; 1024];
                    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    socket.write_all(head.as_bytes()).await.unwrap();
                    tokio::time::sleep(Duration::from_secs(60)).await;
                });
            }
        });
        address
    }

    fn xml(body: String) -> Response {
        ([(CONTENT_TYPE, "application/xml")], body).into_response()
    }

    fn urlset(locs: impl IntoIterator<Item = String>) -> String {
        let entries: String = locs
            .into_iter()
            .map(|loc| format!("<url><loc>{loc}</loc></url>"))
            .collect();
        format!(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>"#)
    }

    fn sitemap_index(locs: impl IntoIterator<Item = String>) -> String {
        let entries: String = locs
            .into_iter()
            .map(|loc| format!("<sitemap><loc>{loc}</loc></sitemap>"))
            .collect();
        format!(
            r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>"#
        )
    }

    #[test]
    fn http_and_https_addresses_are_valid() {
        for raw in [
            "https://example.com/a?b=c#d",
            "http://example.com:8080/",
            "HTTPS://Example.COM",
        ] {
            let url = validate_url(raw).unwrap();
            assert!(matches!(url.scheme(), "http" | "https"), "{raw}");
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        for raw in [
            "file:///etc/passwd",
            "ftp://example.com/file.txt",
            "javascript:alert(1)",
            "data:text/html,<p>hi</p>",
            "mailto:owner@example.com",
            "ws://example.com/socket",
            "gopher://example.com/",
        ] {
            let error = validate_url(raw).unwrap_err();
            assert!(matches!(error, FetchError::UnsupportedScheme), "{raw}");
            assert_eq!(
                error.to_string(),
                "Only http and https addresses can be fetched."
            );
        }
    }

    #[test]
    fn credentials_in_the_address_are_refused() {
        for raw in [
            "http://user:pass@example.com/",
            "https://user@example.com/",
            "https://:pass@example.com/",
        ] {
            assert!(
                matches!(validate_url(raw), Err(FetchError::Credentials)),
                "{raw}"
            );
        }
    }

    #[test]
    fn addresses_that_are_not_urls_are_refused() {
        assert!(matches!(
            validate_url("example.com/page"),
            Err(FetchError::NotAbsolute)
        ));
        assert!(matches!(validate_url(""), Err(FetchError::NotAbsolute)));
        assert!(matches!(
            validate_url("http://"),
            Err(FetchError::MissingHost)
        ));
        let error = validate_url("http://exa mple.com/").unwrap_err();
        assert!(matches!(error, FetchError::InvalidUrl(_)), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("This is not a valid web address ("),
            "{error}"
        );
    }

    #[test]
    fn addresses_are_at_most_2048_characters_as_given_and_as_sent() {
        let base = "https://example.com/";
        let longest = format!("{base}{}", "a".repeat(MAX_URL_CHARS - base.len()));
        assert!(validate_url(&longest).is_ok());
        let too_long = format!("{longest}a");
        let error = validate_url(&too_long).unwrap_err();
        assert!(matches!(error, FetchError::TooLong));
        assert_eq!(
            error.to_string(),
            "The address is longer than 2048 characters."
        );
        // 1000 characters of é are sent as 6000 characters of %C3%A9.
        let grows = format!("{base}{}", "é".repeat(1000));
        assert!(matches!(validate_url(&grows), Err(FetchError::TooLong)));
    }

    #[test]
    fn numeric_hosts_are_normalised_to_the_address_they_reach() {
        for raw in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://0177.0.0.1/",
            "http://127.0.0.1./",
        ] {
            assert_eq!(
                validate_url(raw).unwrap().host(),
                Some(Host::Ipv4(Ipv4Addr::LOCALHOST)),
                "{raw}"
            );
        }
        assert_eq!(
            validate_url("http://[::ffff:127.0.0.1]/").unwrap().host(),
            Some(Host::Ipv6("::ffff:7f00:1".parse().unwrap()))
        );
    }

    #[test]
    fn literal_private_hosts_fail_the_check_without_network() {
        let fetcher = Fetcher::new(FetchLimits::default());
        for raw in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://192.168.1.1/",
            "http://[fd00::1]/",
            "http://0.0.0.0/",
        ] {
            assert!(
                matches!(
                    fetcher.check_url(raw),
                    Err(FetchError::PrivateAddress { .. })
                ),
                "{raw}"
            );
        }
        assert!(fetcher.check_url("http://93.184.216.34/").is_ok());
        assert!(fetcher.check_url("https://example.com/").is_ok());
    }

    #[test]
    fn the_private_address_sentence_names_the_address() {
        let error = Fetcher::new(FetchLimits::default())
            .check_url("https://10.0.0.5/docs")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "https://10.0.0.5/docs resolves to a private network address (10.0.0.5), which \
             chatdeck does not fetch."
        );
    }

    #[test]
    fn limits_read_as_the_owner_would_say_them() {
        assert_eq!(
            FetchError::PageTooLarge { limit: 5 * MIB }.to_string(),
            "The page is larger than 5 MiB."
        );
        assert_eq!(
            FetchError::SitemapTooLarge { limit: 64 * KIB }.to_string(),
            "The sitemap is larger than 64 KiB."
        );
        assert_eq!(
            FetchError::Timeout {
                limit: Duration::from_secs(20)
            }
            .to_string(),
            "No answer within 20 seconds."
        );
        assert_eq!(
            FetchError::Status {
                status: StatusCode::from_u16(599).unwrap()
            }
            .to_string(),
            "The server answered 599."
        );
    }

    #[tokio::test]
    async fn private_addresses_are_refused_before_connecting() {
        let (server, hits) = counting_server(LOOPBACK).await;
        let port = server.port();
        let fetcher = Fetcher::new(FetchLimits::default());
        let started = Instant::now();
        for (raw, address) in [
            (format!("http://127.0.0.1:{port}/"), "127.0.0.1"),
            (format!("http://2130706433:{port}/"), "127.0.0.1"),
            (format!("http://0x7f.1:{port}/"), "127.0.0.1"),
            (format!("http://[::1]:{port}/"), "::1"),
            (
                format!("http://[::ffff:127.0.0.1]:{port}/"),
                "::ffff:127.0.0.1",
            ),
            (format!("http://localhost:{port}/"), "127.0.0.1"),
            (
                "http://169.254.169.254/latest/meta-data/".to_owned(),
                "169.254.169.254",
            ),
            ("http://10.0.0.1/".to_owned(), "10.0.0.1"),
        ] {
            match fetcher.page(&raw).await {
                Err(FetchError::PrivateAddress {
                    url,
                    address: refused,
                }) => {
                    assert_eq!(refused, address.parse::<IpAddr>().unwrap(), "{raw}");
                    assert_eq!(url, Url::parse(&raw).unwrap().as_str());
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert_eq!(hits.load(Ordering::SeqCst), 0);
        assert!(started.elapsed() < Duration::from_secs(2));
        // The same server, when private addresses are allowed, is reached.
        private_allowed()
            .page(&format!("http://127.0.0.1:{port}/"))
            .await
            .unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_local_page_is_fetched_when_private_addresses_are_allowed() {
        let router = Router::new().route(
            "/hello",
            get(|headers: HeaderMap| async move {
                let header = |name| {
                    headers
                        .get(name)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                Html(format!(
                    "{}\n{}",
                    header(reqwest::header::USER_AGENT),
                    header(ACCEPT)
                ))
            }),
        );
        let server = serve(LOOPBACK, router).await;
        let url = format!("http://{server}/hello");
        let page = private_allowed().page(&url).await.unwrap();
        assert_eq!(page.url, url);
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        let body = String::from_utf8(page.bytes.to_vec()).unwrap();
        let (user_agent, accept) = body.split_once('\n').unwrap();
        assert!(user_agent.starts_with("chatdeck/"), "{user_agent}");
        assert!(accept.starts_with("text/html"), "{accept}");
    }

    #[tokio::test]
    async fn a_name_is_checked_with_the_addresses_it_resolves_to() {
        let (server, hits) = counting_server(LOOPBACK).await;
        let url = format!("http://localhost:{}/", server.port());
        // localhost resolves to 127.0.0.1 (and perhaps ::1): allowing only 127.0.0.2 leaves the
        // resolver nothing to connect to.
        let refusing = Fetcher::with_address_policy(
            FetchLimits::default(),
            Arc::new(|address| address == OTHER_LOOPBACK),
        );
        match refusing.page(&url).await {
            Err(FetchError::PrivateAddress {
                url: refused,
                address,
            }) => {
                assert_eq!(refused, url);
                assert!(address.is_loopback(), "{address}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(hits.load(Ordering::SeqCst), 0);
        // Allowing 127.0.0.1 lets the resolver hand over that address (dropping any ::1).
        let page = only_127_0_0_1(FetchLimits::default())
            .page(&url)
            .await
            .unwrap();
        assert_eq!(&page.bytes[..], b"<p>reached</p>");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_redirect_to_a_refused_address_is_refused_at_the_hop() {
        let (target, target_hits) = counting_server(OTHER_LOOPBACK).await;
        let redirecting = Router::new()
            .fallback(move || async move { Redirect::temporary(&format!("http://{target}/")) });
        let server = serve(LOOPBACK, redirecting).await;
        match only_127_0_0_1(FetchLimits::default())
            .page(&format!("http://{server}/"))
            .await
        {
            Err(FetchError::PrivateAddress { url, address }) => {
                assert_eq!(address, OTHER_LOOPBACK);
                assert_eq!(url, format!("http://{target}/"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(target_hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_redirect_to_a_name_of_a_refused_address_is_refused_at_the_hop() {
        let (target, target_hits) = counting_server(LOOPBACK).await;
        let redirecting = Router::new().fallback(move || async move {
            Redirect::permanent(&format!("http://localhost:{}/", target.port()))
        });
        let server = serve(OTHER_LOOPBACK, redirecting).await;
        let only_127_0_0_2 = Fetcher::with_address_policy(
            FetchLimits::default(),
            Arc::new(|address| address == OTHER_LOOPBACK),
        );
        match only_127_0_0_2.page(&format!("http://{server}/")).await {
            Err(FetchError::PrivateAddress { url, address }) => {
                assert!(address.is_loopback(), "{address}");
                assert_eq!(url, format!("http://localhost:{}/", target.port()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(target_hits.load(Ordering::SeqCst), 0);
    }

    /// `/hop/{n}` redirects to `/hop/{n-1}` (a relative Location) until `/hop/0`, a page.
    async fn hopping_server() -> SocketAddr {
        let router = Router::new().route(
            "/hop/{n}",
            get(|Path(n): Path<usize>| async move {
                match n {
                    0 => Html("arrived").into_response(),
                    n => Redirect::to(&format!("/hop/{}", n - 1)).into_response(),
                }
            }),
        );
        serve(LOOPBACK, router).await
    }

    #[tokio::test]
    async fn redirects_are_followed_up_to_the_limit() {
        let server = hopping_server().await;
        let fetcher = private_allowed();
        let page = fetcher
            .page(&format!("http://{server}/hop/5"))
            .await
            .unwrap();
        assert_eq!(page.url, format!("http://{server}/hop/0"));
        assert_eq!(&page.bytes[..], b"arrived");
        let error = fetcher
            .page(&format!("http://{server}/hop/6"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, FetchError::TooManyRedirects { limit: 5 }),
            "{error:?}"
        );
        assert_eq!(error.to_string(), "More than 5 redirects.");
    }

    #[tokio::test]
    async fn every_redirect_status_is_followed() {
        let router = Router::new().route("/", get(|| async { "landed" })).route(
            "/status/{code}",
            get(|Path(code): Path<u16>| async move {
                (StatusCode::from_u16(code).unwrap(), [(LOCATION, "/")])
            }),
        );
        let server = serve(LOOPBACK, router).await;
        for code in [301, 302, 303, 307, 308] {
            let page = private_allowed()
                .page(&format!("http://{server}/status/{code}"))
                .await
                .unwrap();
            assert_eq!(page.url, format!("http://{server}/"), "{code}");
        }
    }

    #[tokio::test]
    async fn redirect_targets_are_held_to_the_same_rules() {
        let router = Router::new()
            .route(
                "/file",
                get(|| async { Redirect::to("file:///etc/passwd") }),
            )
            .route(
                "/credentials",
                get(|| async { Redirect::to("http://user:secret@example.com/") }),
            )
            .route("/nowhere", get(|| async { StatusCode::FOUND }));
        let server = serve(LOOPBACK, router).await;
        let fetcher = private_allowed();
        let url = |path: &str| format!("http://{server}{path}");
        assert!(matches!(
            fetcher.page(&url("/file")).await,
            Err(FetchError::UnsupportedScheme)
        ));
        assert!(matches!(
            fetcher.page(&url("/credentials")).await,
            Err(FetchError::Credentials)
        ));
        let error = fetcher.page(&url("/nowhere")).await.unwrap_err();
        assert!(matches!(error, FetchError::BadRedirect { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "The server answered 302 Found but gave no valid address to go to."
        );
    }

    #[tokio::test]
    async fn error_statuses_are_reported() {
        let router = Router::new().route(
            "/broken",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        );
        let server = serve(LOOPBACK, router).await;
        let fetcher = private_allowed();
        let missing = fetcher
            .page(&format!("http://{server}/missing"))
            .await
            .unwrap_err();
        assert_eq!(missing.to_string(), "The server answered 404 Not Found.");
        let broken = fetcher
            .page(&format!("http://{server}/broken"))
            .await
            .unwrap_err();
        assert_eq!(
            broken.to_string(),
            "The server answered 500 Internal Server Error."
        );
    }

    fn small(max_bytes: usize) -> FetchLimits {
        FetchLimits {
            max_bytes,
            allow_private: true,
            ..FetchLimits::default()
        }
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_by_its_content_length_before_reading() {
        // Announces 10 MiB, sends 5 bytes and stalls: only the header can end this quickly.
        let server = stalling_server(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10485760\r\n\r\nhello",
        )
        .await;
        let started = Instant::now();
        let error = Fetcher::new(FetchLimits {
            timeout: Duration::from_secs(10),
            ..small(1000)
        })
        .page(&format!("http://{server}/"))
        .await
        .unwrap_err();
        assert!(
            matches!(error, FetchError::PageTooLarge { limit: 1000 }),
            "{error:?}"
        );
        assert_eq!(error.to_string(), "The page is larger than 1000 bytes.");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_capped_while_it_streams() {
        fn chunked(total: usize) -> Body {
            let chunks = (0..total)
                .step_by(100)
                .map(move |start| Ok::<_, Infallible>(vec![b'x'; (total - start).min(100)]));
            Body::from_stream(futures_util::stream::iter(chunks))
        }
        let router = Router::new()
            .route("/fits", get(|| async { chunked(1000) }))
            .route("/over", get(|| async { chunked(1001) }));
        let server = serve(LOOPBACK, router).await;
        let fetcher = Fetcher::new(small(1000));
        let page = fetcher
            .page(&format!("http://{server}/fits"))
            .await
            .unwrap();
        assert_eq!(page.bytes.len(), 1000);
        let error = fetcher
            .page(&format!("http://{server}/over"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, FetchError::PageTooLarge { limit: 1000 }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_stalled_server_times_out_within_the_limit() {
        let limits = FetchLimits {
            timeout: Duration::from_millis(500),
            allow_private: true,
            ..FetchLimits::default()
        };
        for head in [
            // Headers, a little of the body, then nothing.
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\nhello",
            // Not even the headers.
            "",
        ] {
            let server = stalling_server(head).await;
            let started = Instant::now();
            let error = Fetcher::new(limits.clone())
                .page(&format!("http://{server}/"))
                .await
                .unwrap_err();
            let elapsed = started.elapsed();
            assert!(matches!(error, FetchError::Timeout { .. }), "{error:?}");
            assert_eq!(error.to_string(), "No answer within 0.5 seconds.");
            assert!(
                elapsed >= Duration::from_millis(500) && elapsed < Duration::from_secs(2),
                "{elapsed:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_timeout_covers_redirects_too() {
        // Each hop answers at once; the stall is at the end, after redirects.
        let stalled = stalling_server("").await;
        let router = Router::new()
            .fallback(move || async move { Redirect::to(&format!("http://{stalled}/")) });
        let server = serve(LOOPBACK, router).await;
        let started = Instant::now();
        let error = Fetcher::new(FetchLimits {
            timeout: Duration::from_millis(500),
            allow_private: true,
            ..FetchLimits::default()
        })
        .page(&format!("http://{server}/"))
        .await
        .unwrap_err();
        assert!(matches!(error, FetchError::Timeout { .. }), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn an_unknown_name_is_reported_as_dns() {
        let error = Fetcher::new(FetchLimits::default())
            .page("http://x.invalid/")
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::NotFound { .. }), "{error:?}");
        assert_eq!(error.to_string(), "x.invalid could not be found (DNS).");
    }

    #[tokio::test]
    async fn a_refused_connection_is_reported() {
        let closed = TcpListener::bind((LOOPBACK, 0))
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let error = private_allowed()
            .page(&format!("http://{closed}/"))
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::Connect { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("Could not connect to 127.0.0.1 ("),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_urlset_yields_its_pages() {
        let router = Router::new().route(
            "/sitemap.xml",
            get(|| async {
                xml(urlset([
                    "https://example.com/".to_owned(),
                    "https://example.com/about".to_owned(),
                    "ftp://example.com/skipped".to_owned(),
                    "not a url".to_owned(),
                    "https://example.com/about#team".to_owned(),
                    "https://example.com/contact".to_owned(),
                ]))
            }),
        );
        let server = serve(LOOPBACK, router).await;
        let pages = private_allowed()
            .sitemap(&format!("http://{server}/sitemap.xml"), 200)
            .await
            .unwrap();
        assert_eq!(
            pages,
            [
                "https://example.com/",
                "https://example.com/about",
                "https://example.com/contact"
            ]
        );
    }

    #[tokio::test]
    async fn a_sitemap_index_yields_its_children_pages() {
        let router = Router::new()
            .route(
                "/index.xml",
                get(|headers: HeaderMap| async move {
                    let host = headers["host"].to_str().unwrap().to_owned();
                    xml(sitemap_index([
                        format!("http://{host}/one.xml"),
                        format!("http://{host}/two.xml"),
                    ]))
                }),
            )
            .route(
                "/one.xml",
                get(|| async {
                    xml(urlset([
                        "https://example.com/1".to_owned(),
                        "https://example.com/2".to_owned(),
                    ]))
                }),
            )
            .route(
                "/two.xml",
                get(|| async {
                    xml(urlset([
                        "https://example.com/2".to_owned(),
                        "https://example.com/3".to_owned(),
                    ]))
                }),
            );
        let server = serve(LOOPBACK, router).await;
        let pages = private_allowed()
            .sitemap(&format!("http://{server}/index.xml"), 200)
            .await
            .unwrap();
        assert_eq!(
            pages,
            [
                "https://example.com/1",
                "https://example.com/2",
                "https://example.com/3"
            ]
        );
    }

    #[tokio::test]
    async fn a_sitemap_is_capped_at_max_pages_after_removing_duplicates() {
        // 500 entries, each page twice (the second time with a fragment): 250 pages.
        let router = Router::new().route(
            "/sitemap.xml",
            get(|| async {
                xml(urlset((0..500).map(|entry| match entry % 2 {
                    0 => format!("https://example.com/page/{}", entry / 2),
                    _ => format!("https://example.com/page/{}#top", entry / 2),
                })))
            }),
        );
        let server = serve(LOOPBACK, router).await;
        let pages = private_allowed()
            .sitemap(&format!("http://{server}/sitemap.xml"), 200)
            .await
            .unwrap();
        let expected: Vec<String> = (0..200)
            .map(|page| format!("https://example.com/page/{page}"))
            .collect();
        assert_eq!(pages, expected);
    }

    #[tokio::test]
    async fn a_sitemap_index_reads_at_most_20_children() {
        let fetched = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&fetched);
        let router = Router::new()
            .route(
                "/index.xml",
                get(|headers: HeaderMap| async move {
                    let host = headers["host"].to_str().unwrap().to_owned();
                    xml(sitemap_index(
                        (0..25).map(|child| format!("http://{host}/child/{child}")),
                    ))
                }),
            )
            .route(
                "/child/{n}",
                get(move |Path(n): Path<usize>| {
                    counted.fetch_add(1, Ordering::SeqCst);
                    async move { xml(urlset([format!("https://example.com/{n}")])) }
                }),
            );
        let server = serve(LOOPBACK, router).await;
        let pages = private_allowed()
            .sitemap(&format!("http://{server}/index.xml"), 200)
            .await
            .unwrap();
        assert_eq!(pages.len(), MAX_CHILD_SITEMAPS);
        assert_eq!(fetched.load(Ordering::SeqCst), MAX_CHILD_SITEMAPS);
    }

    #[tokio::test]
    async fn a_failing_child_sitemap_is_skipped_unless_all_fail() {
        let router = Router::new()
            .route(
                "/mixed.xml",
                get(|headers: HeaderMap| async move {
                    let host = headers["host"].to_str().unwrap().to_owned();
                    xml(sitemap_index([
                        format!("http://{host}/missing.xml"),
                        format!("http://{host}/good.xml"),
                    ]))
                }),
            )
            .route(
                "/broken.xml",
                get(|headers: HeaderMap| async move {
                    let host = headers["host"].to_str().unwrap().to_owned();
                    xml(sitemap_index([format!("http://{host}/missing.xml")]))
                }),
            )
            .route(
                "/good.xml",
                get(|| async { xml(urlset(["https://example.com/good".to_owned()])) }),
            );
        let server = serve(LOOPBACK, router).await;
        let fetcher = private_allowed();
        assert_eq!(
            fetcher
                .sitemap(&format!("http://{server}/mixed.xml"), 200)
                .await
                .unwrap(),
            ["https://example.com/good"]
        );
        assert!(matches!(
            fetcher
                .sitemap(&format!("http://{server}/broken.xml"), 200)
                .await,
            Err(FetchError::Status {
                status: StatusCode::NOT_FOUND
            })
        ));
    }

    #[tokio::test]
    async fn child_sitemaps_are_held_to_the_address_policy() {
        let (child, child_hits) = counting_server(OTHER_LOOPBACK).await;
        let router = Router::new().fallback(move || async move {
            xml(sitemap_index([format!("http://{child}/sitemap.xml")]))
        });
        let server = serve(LOOPBACK, router).await;
        let error = only_127_0_0_1(FetchLimits::default())
            .sitemap(&format!("http://{server}/index.xml"), 200)
            .await
            .unwrap_err();
        assert!(
            matches!(error, FetchError::PrivateAddress { address, .. } if address == OTHER_LOOPBACK),
            "{error:?}"
        );
        assert_eq!(child_hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn malformed_or_foreign_sitemaps_are_refused() {
        let router = Router::new()
            .route(
                "/malformed.xml",
                get(|| async {
                    xml("<urlset><url><loc>https://example.com/</url></urlset>".to_owned())
                }),
            )
            .route(
                "/page.html",
                get(|| async { Html("<!DOCTYPE html><html><body>hi</body></html>") }),
            );
        let server = serve(LOOPBACK, router).await;
        let fetcher = private_allowed();
        let error = fetcher
            .sitemap(&format!("http://{server}/malformed.xml"), 200)
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("The sitemap is not valid XML: "),
            "{error}"
        );
        assert!(matches!(
            fetcher
                .sitemap(&format!("http://{server}/page.html"), 200)
                .await,
            Err(FetchError::NotASitemap)
        ));
    }

    #[tokio::test]
    async fn a_sitemap_over_the_limit_is_refused() {
        let router = Router::new().route(
            "/sitemap.xml",
            get(|| async {
                xml(urlset(
                    (0..100).map(|page| format!("https://example.com/{page}")),
                ))
            }),
        );
        let server = serve(LOOPBACK, router).await;
        let error = Fetcher::new(small(1000))
            .sitemap(&format!("http://{server}/sitemap.xml"), 200)
            .await
            .unwrap_err();
        assert!(
            matches!(error, FetchError::SitemapTooLarge { limit: 1000 }),
            "{error:?}"
        );
        assert_eq!(error.to_string(), "The sitemap is larger than 1000 bytes.");
    }

    #[tokio::test]
    async fn a_gzipped_sitemap_is_read() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(urlset(["https://example.com/zipped".to_owned()]).as_bytes())
            .unwrap();
        let gzipped = gzip.finish().unwrap();
        let router = Router::new().route(
            "/sitemap.xml.gz",
            get(move || async move { ([(CONTENT_TYPE, "application/gzip")], gzipped) }),
        );
        let server = serve(LOOPBACK, router).await;
        let pages = private_allowed()
            .sitemap(&format!("http://{server}/sitemap.xml.gz"), 200)
            .await
            .unwrap();
        assert_eq!(pages, ["https://example.com/zipped"]);
    }
}
