//! Webhooks for integrators: which addresses a delivery may reach (never the internal network:
//! loopback, private, link-local, unique-local, shared, documentation, multicast and other
//! special ranges are refused, IPv4-mapped IPv6 judged by its IPv4 address), which URLs a
//! subscription may name (HTTPS only in production), the Standard Webhooks signature base
//! string, and when a subscription that keeps failing is disabled.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The class of an IP address, for deciding whether a webhook may reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// A public unicast address: reachable.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
    Private,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// `fc00::/7`.
    UniqueLocal,
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `100.64.0.0/10` (carrier-grade NAT).
    SharedCgnat,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`.
    Documentation,
    /// Other special-purpose ranges: `192.0.0.0/24` (protocol assignments), `198.18.0.0/15`
    /// (benchmarking), `240.0.0.0/4` (reserved), NAT64 `64:ff9b::/96` and the IPv4-compatible
    /// `::/96` (they embed an IPv4 address a gateway would reach).
    Reserved,
}

impl AddressClass {
    /// Stable name (in error messages).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::UniqueLocal => "unique-local",
            Self::Unspecified => "unspecified",
            Self::SharedCgnat => "shared (CGNAT)",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::Documentation => "documentation",
            Self::Reserved => "reserved",
        }
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, ..) => AddressClass::Unspecified,
        (127, ..) => AddressClass::Loopback,
        (10, ..) | (192, 168, _) => AddressClass::Private,
        (172, 16..=31, _) => AddressClass::Private,
        (169, 254, _) => AddressClass::LinkLocal,
        (100, 64..=127, _) => AddressClass::SharedCgnat,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Documentation,
        (192, 0, 0) | (198, 18..=19, _) => AddressClass::Reserved,
        (224..=239, ..) => AddressClass::Multicast,
        _ if ip == Ipv4Addr::BROADCAST => AddressClass::Broadcast,
        (240..=255, ..) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if ip.is_unspecified() {
        AddressClass::Unspecified
    } else if ip.is_loopback() {
        AddressClass::Loopback
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddressClass::LinkLocal
    } else if s[0] & 0xfe00 == 0xfc00 {
        AddressClass::UniqueLocal
    } else if s[0] & 0xff00 == 0xff00 {
        AddressClass::Multicast
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        AddressClass::Documentation
    } else if (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4]) || s[..6] == [0; 6] {
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

/// The class of `ip` (an IPv4-mapped IPv6 address is judged by its IPv4 address).
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// What a deployment lets webhooks reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Only `https://` URLs (production).
    pub https_only: bool,
    /// Loopback addresses are allowed (a sandbox receiver on this machine; never production).
    pub allow_loopback: bool,
}

/// Why an address or a URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    /// Not a URL.
    #[error("not an absolute URL")]
    Malformed,
    /// The scheme is not allowed (`https` only in production; `http` too in the sandbox).
    #[error("scheme {0} is not allowed")]
    Scheme(String),
    /// User name or password in the URL (they would be sent to the receiver and logged).
    #[error("credentials in the URL are not allowed")]
    Credentials,
    /// A fragment (never sent over HTTP: a sign of a mistake).
    #[error("a fragment is not allowed")]
    Fragment,
    /// Longer than [`MAX_URL_CHARS`].
    #[error("longer than {MAX_URL_CHARS} characters")]
    TooLong,
    /// The host is, or resolves to, an address webhooks may not reach.
    #[error("{host} is a {class} address ({ip})")]
    Address {
        /// The host as written.
        host: String,
        /// The refused address.
        ip: IpAddr,
        /// Its class.
        class: AddressClass,
    },
    /// The host name resolves to no address.
    #[error("{0} does not resolve")]
    Unresolved(String),
}

/// Longest URL a subscription may name.
pub const MAX_URL_CHARS: usize = 2000;

/// Whether `ip` may be reached under `policy`: public addresses, and loopback when allowed.
pub fn check_address(host: &str, ip: IpAddr, policy: UrlPolicy) -> Result<(), UrlRefused> {
    match classify(ip) {
        AddressClass::Public => Ok(()),
        AddressClass::Loopback if policy.allow_loopback => Ok(()),
        class => Err(UrlRefused::Address {
            host: host.to_owned(),
            ip,
            class,
        }),
    }
}

/// Checks every address `host` resolved to: all must be allowed (one refused address refuses
/// the host, so a name cannot mix a public and an internal address), and there must be one.
pub fn check_resolved(host: &str, ips: &[IpAddr], policy: UrlPolicy) -> Result<(), UrlRefused> {
    if ips.is_empty() {
        return Err(UrlRefused::Unresolved(host.to_owned()));
    }
    ips.iter()
        .try_for_each(|ip| check_address(host, *ip, policy))
}

/// A webhook URL that passed [`check_url`]: its host still has to be resolved and checked
/// ([`check_resolved`]) at creation and again at each delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    /// The normalised URL.
    pub url: String,
    /// The host (a name, or an IP literal without brackets).
    pub host: String,
    /// The IP address when the host is a literal.
    pub ip: Option<IpAddr>,
    /// The port (the scheme's default when not written).
    pub port: u16,
}

/// Parses `text` as a webhook URL allowed under `policy`: absolute, `https` (or `http` when not
/// `https_only`), no credentials, no fragment, at most [`MAX_URL_CHARS`]; an IP literal host
/// must be an allowed address (a name is checked once resolved).
pub fn check_url(text: &str, policy: UrlPolicy) -> Result<WebhookUrl, UrlRefused> {
    if text.chars().count() > MAX_URL_CHARS {
        return Err(UrlRefused::TooLong);
    }
    let url = url::Url::parse(text).map_err(|_| UrlRefused::Malformed)?;
    match url.scheme() {
        "https" => {}
        "http" if !policy.https_only => {}
        other => return Err(UrlRefused::Scheme(other.to_owned())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefused::Credentials);
    }
    if url.fragment().is_some() {
        return Err(UrlRefused::Fragment);
    }
    let port = url.port_or_known_default().ok_or(UrlRefused::Malformed)?;
    let (host, ip) = match url.host().ok_or(UrlRefused::Malformed)? {
        url::Host::Domain(name) => (name.to_owned(), None),
        url::Host::Ipv4(v4) => (v4.to_string(), Some(IpAddr::V4(v4))),
        url::Host::Ipv6(v6) => (v6.to_string(), Some(IpAddr::V6(v6))),
    };
    if let Some(ip) = ip {
        check_address(&host, ip, policy)?;
    }
    Ok(WebhookUrl {
        url: url.to_string(),
        host,
        ip,
        port,
    })
}

/// The content a Standard Webhooks signature covers: `{id}.{timestamp}.{body}`.
pub fn signature_base(id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut base = format!("{id}.{timestamp}.").into_bytes();
    base.extend_from_slice(body);
    base
}

/// Deliveries in a row that failed for good after which a subscription is disabled.
pub const DISABLE_AFTER_FAILURES: i32 = 5;

/// Whether a subscription whose last `consecutive_failures` deliveries failed for good is to be
/// disabled ([`DISABLE_AFTER_FAILURES`]; a sent delivery starts the count again).
pub fn should_disable(consecutive_failures: i32) -> bool {
    consecutive_failures >= DISABLE_AFTER_FAILURES
}

/// Most deliveries one replay queues.
pub const MAX_REPLAY_EVENTS: i64 = 1000;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const SANDBOX: UrlPolicy = UrlPolicy {
        https_only: false,
        allow_loopback: false,
    };
    const PRODUCTION: UrlPolicy = UrlPolicy {
        https_only: true,
        allow_loopback: false,
    };

    fn class(text: &str) -> AddressClass {
        classify(text.parse().unwrap())
    }

    #[test]
    fn special_ranges_are_classified() {
        for (ip, expected) in [
            ("127.0.0.1", AddressClass::Loopback),
            ("127.255.0.9", AddressClass::Loopback),
            ("::1", AddressClass::Loopback),
            ("10.1.2.3", AddressClass::Private),
            ("172.16.0.1", AddressClass::Private),
            ("172.31.255.255", AddressClass::Private),
            ("192.168.1.1", AddressClass::Private),
            ("169.254.169.254", AddressClass::LinkLocal),
            ("fe80::1", AddressClass::LinkLocal),
            ("fc00::1", AddressClass::UniqueLocal),
            ("fd12:3456::1", AddressClass::UniqueLocal),
            ("0.0.0.0", AddressClass::Unspecified),
            ("::", AddressClass::Unspecified),
            ("100.64.0.1", AddressClass::SharedCgnat),
            ("100.127.255.254", AddressClass::SharedCgnat),
            ("224.0.0.1", AddressClass::Multicast),
            ("ff02::1", AddressClass::Multicast),
            ("255.255.255.255", AddressClass::Broadcast),
            ("192.0.2.7", AddressClass::Documentation),
            ("198.51.100.7", AddressClass::Documentation),
            ("203.0.113.7", AddressClass::Documentation),
            ("2001:db8::1", AddressClass::Documentation),
            ("240.0.0.1", AddressClass::Reserved),
            ("198.18.0.1", AddressClass::Reserved),
            ("64:ff9b::a00:1", AddressClass::Reserved),
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("::ffff:10.0.0.1", AddressClass::Private),
            ("::ffff:169.254.169.254", AddressClass::LinkLocal),
        ] {
            assert_eq!(class(ip), expected, "{ip}");
        }
        for public in [
            "8.8.8.8",
            "151.101.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2a00:1450:4002::1",
        ] {
            assert_eq!(class(public), AddressClass::Public, "{public}");
        }
    }

    #[test]
    fn loopback_only_when_allowed_and_never_the_rest_of_the_internal_network() {
        let sandbox = UrlPolicy {
            allow_loopback: true,
            ..SANDBOX
        };
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(check_address("h", lo, sandbox).is_ok());
        assert!(check_address("h", lo, SANDBOX).is_err());
        let private: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(check_address("h", private, sandbox).is_err());
    }

    #[test]
    fn a_name_is_refused_when_any_address_it_resolves_to_is() {
        let public: IpAddr = "8.8.8.8".parse().unwrap();
        let private: IpAddr = "192.168.0.1".parse().unwrap();
        assert!(check_resolved("a.example", &[public], SANDBOX).is_ok());
        assert!(matches!(
            check_resolved("a.example", &[public, private], SANDBOX),
            Err(UrlRefused::Address {
                class: AddressClass::Private,
                ..
            })
        ));
        assert_eq!(
            check_resolved("a.example", &[], SANDBOX),
            Err(UrlRefused::Unresolved("a.example".into()))
        );
    }

    #[test]
    fn urls_are_https_in_production_without_credentials_or_fragments() {
        let ok = check_url("https://hooks.example.com/inps?x=1", PRODUCTION).unwrap();
        assert_eq!(
            (ok.host.as_str(), ok.port, ok.ip),
            ("hooks.example.com", 443, None)
        );
        assert_eq!(
            check_url("http://hooks.example.com/", PRODUCTION),
            Err(UrlRefused::Scheme("http".into()))
        );
        assert!(check_url("http://hooks.example.com/", SANDBOX).is_ok());
        for (text, expected) in [
            ("ftp://hooks.example.com/", UrlRefused::Scheme("ftp".into())),
            ("https://u:p@hooks.example.com/", UrlRefused::Credentials),
            ("https://hooks.example.com/#x", UrlRefused::Fragment),
            ("hooks.example.com/x", UrlRefused::Malformed),
            ("https://", UrlRefused::Malformed),
        ] {
            assert_eq!(check_url(text, PRODUCTION), Err(expected), "{text}");
        }
        let long = format!("https://a.example/{}", "x".repeat(MAX_URL_CHARS));
        assert_eq!(check_url(&long, PRODUCTION), Err(UrlRefused::TooLong));
    }

    #[test]
    fn ip_literals_in_any_spelling_are_checked() {
        for text in [
            "https://127.0.0.1/",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://[::1]/",
            "https://[::ffff:7f00:1]/",
            "https://10.0.0.1:8443/",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00::1]/",
            "https://0.0.0.0/",
        ] {
            assert!(
                matches!(check_url(text, PRODUCTION), Err(UrlRefused::Address { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn the_signature_base_is_id_timestamp_body() {
        assert_eq!(
            signature_base("msg_1", 1_700_000_000, b"{\"a\":1}"),
            b"msg_1.1700000000.{\"a\":1}".to_vec()
        );
    }

    #[test]
    fn a_subscription_is_disabled_after_five_failures_in_a_row() {
        assert!(!should_disable(0));
        assert!(!should_disable(DISABLE_AFTER_FAILURES - 1));
        assert!(should_disable(DISABLE_AFTER_FAILURES));
    }

    proptest! {
        #[test]
        fn every_private_ipv4_is_refused_also_when_mapped(b in 0u8..=255, c in 0u8..=255, d in 0u8..=255, second in 16u8..=31) {
            for ip in [
                Ipv4Addr::new(10, b, c, d),
                Ipv4Addr::new(172, second, c, d),
                Ipv4Addr::new(192, 168, c, d),
                Ipv4Addr::new(127, b, c, d),
                Ipv4Addr::new(169, 254, c, d),
            ] {
                prop_assert!(check_address("h", IpAddr::V4(ip), PRODUCTION).is_err());
                prop_assert!(check_address("h", IpAddr::V6(ip.to_ipv6_mapped()), PRODUCTION).is_err());
            }
        }

        #[test]
        fn a_url_accepted_in_production_is_https_and_not_an_internal_literal(
            a in 0u8..=255, b in 0u8..=255, c in 0u8..=255, d in 0u8..=255
        ) {
            let ip = Ipv4Addr::new(a, b, c, d);
            let accepted = check_url(&format!("https://{ip}/hook"), PRODUCTION).is_ok();
            prop_assert_eq!(accepted, classify(IpAddr::V4(ip)) == AddressClass::Public);
        }
    }
}
