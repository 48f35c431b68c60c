//! Which network addresses chatdeck fetches from, and the resolver that holds to it at the moment
//! of connecting: a name is checked with the very addresses the connection then uses, so a DNS
//! answer that changes between a check and the connection (DNS rebinding) cannot slip through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Decides whether chatdeck may connect to an address. Injectable so tests can refuse one
/// loopback address while allowing another.
pub(crate) type AddressPolicy = Arc<dyn Fn(IpAddr) -> bool + Send + Sync>;

/// IPv4 blocks that are not the public internet: "this network", private, CGNAT, loopback,
/// link-local (with the cloud metadata address 169.254.169.254), IETF protocol assignments,
/// documentation, the deprecated 6to4 relay, benchmarking, multicast, and reserved up to and
/// including the broadcast address.
const NOT_PUBLIC_V4: [(Ipv4Addr, u8); 15] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 0, 2, 0), 24),
    (Ipv4Addr::new(192, 88, 99, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// IPv6 blocks that are not the public internet, beyond the ones that embed an IPv4 address
/// (see [`embedded_v4`]): IPv4-translated, local-use NAT64, discard-only, IETF protocol
/// assignments (Teredo, benchmarking, ORCHID), documentation (both), SRv6 segment ids,
/// unique-local, link-local, the deprecated site-local, and multicast.
const NOT_PUBLIC_V6: [(Ipv6Addr, u8); 11] = [
    (Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, 0, 0), 96),
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48),
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
];

/// Whether `address` is on the public internet, the only place chatdeck fetches from unless
/// told otherwise.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let bits = u32::from(address);
    !NOT_PUBLIC_V4.iter().any(|&(network, prefix)| {
        let mask = u32::MAX << (32 - u32::from(prefix));
        bits & mask == u32::from(network)
    })
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(address) {
        return is_public_v4(v4);
    }
    let bits = u128::from(address);
    !NOT_PUBLIC_V6.iter().any(|&(network, prefix)| {
        let mask = u128::MAX << (128 - u32::from(prefix));
        bits & mask == u128::from(network)
    })
}

/// The IPv4 address an IPv6 address stands for, where connecting to it reaches that IPv4
/// address (or would, through a translator): IPv4-mapped `::ffff:a.b.c.d`, the deprecated
/// IPv4-compatible `::a.b.c.d` (which also covers `::` and `::1`, as 0.0.0.0 and 0.0.0.1, both in
/// "this network"), NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::`.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let [.., a, b, c, d] = address.octets();
    let last_32 = Ipv4Addr::new(a, b, c, d);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(last_32),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last_32),
        [0x2002, high, low, ..] => Some(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))),
        _ => None,
    }
}

/// Why the resolver gave no address to connect to. It travels inside reqwest's error as its
/// source, where the fetcher finds it again to word the owner's message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ResolveError {
    #[error("{host} could not be found")]
    NotFound { host: String },
    #[error("{host} resolves only to addresses chatdeck does not fetch, such as {address}")]
    Refused { host: String, address: IpAddr },
}

/// Resolves names with the system resolver (tokio's `lookup_host`) and hands reqwest only the
/// addresses the policy allows; with none left, the connection fails with [`ResolveError`].
pub(crate) struct GuardedResolver {
    policy: AddressPolicy,
}

impl GuardedResolver {
    pub(crate) fn new(policy: AddressPolicy) -> Self {
        Self { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port (or the scheme's) on each address it is given.
            let lookup = tokio::net::lookup_host((host.as_str(), 0)).await;
            let Ok(found) = lookup.map(Iterator::collect::<Vec<SocketAddr>>) else {
                return Err(ResolveError::NotFound { host }.into());
            };
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                found.into_iter().partition(|found| policy(found.ip()));
            match (allowed.is_empty(), refused.first()) {
                (false, _) => Ok(Box::new(allowed.into_iter()) as Addrs),
                (true, Some(refused)) => Err(ResolveError::Refused {
                    host,
                    address: refused.ip(),
                }
                .into()),
                (true, None) => Err(ResolveError::NotFound { host }.into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(address: &str) -> bool {
        is_public(address.parse().expect("test addresses parse"))
    }

    #[test]
    fn addresses_off_the_public_internet_are_not_public() {
        for address in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.0.0.2",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.5",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::ffff:0:127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b:1::1",
            "100::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "2002:7f00:1::",
            "2002:a00:5::1",
            "3fff::1",
            "5f00::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(!public(address), "{address} counted as public");
        }
    }

    #[test]
    fn public_addresses_are_public() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "198.17.255.255",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:1.1.1.1",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(public(address), "{address} counted as not public");
        }
    }
}
