//! What kind of address an IP is, judged for one question only: may a server-side fetch
//! connect to it? Anything not positively known to be public, globally routed unicast is
//! put in a non-public class, so a gap in this table fails closed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The class of an IP address, as far as outbound fetches are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IpClass {
    /// Globally routed unicast: the only class fetched by default.
    Public,
    /// 127.0.0.0/8 and ::1.
    Loopback,
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), IPv6 unique-local fc00::/7, the deprecated
    /// site-local fec0::/10 and the local-use NAT64 prefix 64:ff9b:1::/48.
    Private,
    /// 100.64.0.0/10, carrier-grade NAT: private to an operator's network.
    SharedAddressSpace,
    /// 169.254.0.0/16 (cloud metadata lives at 169.254.169.254) and fe80::/10.
    LinkLocal,
    /// 0.0.0.0/8 ("this network") and `::`: connecting to them reaches the local host.
    Unspecified,
    /// 224.0.0.0/4 and ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15, network benchmarking.
    Benchmarking,
    /// 192.0.0.0/24 and 2001::/23 (which holds Teredo): IETF protocol assignments.
    ProtocolAssignment,
    /// Everything else that is not global unicast: 240.0.0.0/4, the 6to4 relay anycast
    /// 192.88.99/24, and IPv6 outside 2000::/3 not covered above.
    Reserved,
}

impl IpClass {
    pub fn is_public(self) -> bool {
        self == IpClass::Public
    }
}

impl fmt::Display for IpClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpClass::Public => "public",
            IpClass::Loopback => "loopback",
            IpClass::Private => "private",
            IpClass::SharedAddressSpace => "shared (CGNAT)",
            IpClass::LinkLocal => "link-local",
            IpClass::Unspecified => "unspecified",
            IpClass::Multicast => "multicast",
            IpClass::Broadcast => "broadcast",
            IpClass::Documentation => "documentation",
            IpClass::Benchmarking => "benchmarking",
            IpClass::ProtocolAssignment => "protocol-assignment",
            IpClass::Reserved => "reserved",
        })
    }
}

/// Classifies an address. IPv6 addresses that embed an IPv4 address (mapped, compatible,
/// NAT64, 6to4) take the class of the embedded address, because that is where packets
/// to them end up.
pub fn classify_ip(ip: IpAddr) -> IpClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> IpClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => IpClass::Unspecified,
        (10, _, _) => IpClass::Private,
        (100, 64..=127, _) => IpClass::SharedAddressSpace,
        (127, _, _) => IpClass::Loopback,
        (169, 254, _) => IpClass::LinkLocal,
        (172, 16..=31, _) => IpClass::Private,
        (192, 0, 0) => IpClass::ProtocolAssignment,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => IpClass::Documentation,
        (192, 88, 99) => IpClass::Reserved,
        (192, 168, _) => IpClass::Private,
        (198, 18..=19, _) => IpClass::Benchmarking,
        (224..=239, _, _) => IpClass::Multicast,
        _ if ip == Ipv4Addr::BROADCAST => IpClass::Broadcast,
        (240..=255, _, _) => IpClass::Reserved,
        _ => IpClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> IpClass {
    if ip.is_unspecified() {
        return IpClass::Unspecified;
    }
    if ip.is_loopback() {
        return IpClass::Loopback;
    }
    let s = ip.segments();
    let embedded_low = Ipv4Addr::new(
        (s[6] >> 8) as u8,
        (s[6] & 0xff) as u8,
        (s[7] >> 8) as u8,
        (s[7] & 0xff) as u8,
    );
    match s {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible form).
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => classify_v4(embedded_low),
        // 64:ff9b::/96, the well-known NAT64 prefix: the translator connects to the IPv4.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => classify_v4(embedded_low),
        [0x64, 0xff9b, 1, ..] => IpClass::Private,
        // 2002::/16, 6to4: the IPv4 of the tunnel end sits in bits 16..48.
        [0x2002, hi, lo, ..] => classify_v4(Ipv4Addr::new(
            (hi >> 8) as u8,
            (hi & 0xff) as u8,
            (lo >> 8) as u8,
            (lo & 0xff) as u8,
        )),
        [0x2001, 0x0db8, ..] => IpClass::Documentation,
        [0x3fff, x, ..] if x < 0x1000 => IpClass::Documentation,
        [x, ..] if x & 0xfe00 == 0xfc00 => IpClass::Private,
        [x, ..] if x & 0xffc0 == 0xfe80 => IpClass::LinkLocal,
        [x, ..] if x & 0xffc0 == 0xfec0 => IpClass::Private,
        [x, ..] if x & 0xff00 == 0xff00 => IpClass::Multicast,
        // 2001::/23 holds Teredo, ORCHID, AS112 and friends: nothing a fetch should reach.
        [0x2001, x, ..] if x < 0x0200 => IpClass::ProtocolAssignment,
        [x, ..] if x & 0xe000 == 0x2000 => IpClass::Public,
        _ => IpClass::Reserved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> IpClass {
        match s.parse::<IpAddr>() {
            Ok(ip) => classify_ip(ip),
            Err(e) => unreachable!("bad test address {s}: {e}"),
        }
    }

    #[test]
    fn ipv4_table() {
        let table = [
            ("0.0.0.0", IpClass::Unspecified),
            ("0.255.255.255", IpClass::Unspecified),
            ("1.1.1.1", IpClass::Public),
            ("8.8.8.8", IpClass::Public),
            ("9.255.255.255", IpClass::Public),
            ("10.0.0.0", IpClass::Private),
            ("10.255.255.255", IpClass::Private),
            ("11.0.0.0", IpClass::Public),
            ("100.63.255.255", IpClass::Public),
            ("100.64.0.0", IpClass::SharedAddressSpace),
            ("100.127.255.255", IpClass::SharedAddressSpace),
            ("100.128.0.0", IpClass::Public),
            ("126.255.255.255", IpClass::Public),
            ("127.0.0.1", IpClass::Loopback),
            ("127.255.255.254", IpClass::Loopback),
            ("128.0.0.0", IpClass::Public),
            ("169.253.255.255", IpClass::Public),
            ("169.254.0.1", IpClass::LinkLocal),
            ("169.254.169.254", IpClass::LinkLocal),
            ("169.255.0.0", IpClass::Public),
            ("172.15.255.255", IpClass::Public),
            ("172.16.0.0", IpClass::Private),
            ("172.31.255.255", IpClass::Private),
            ("172.32.0.0", IpClass::Public),
            ("192.0.0.0", IpClass::ProtocolAssignment),
            ("192.0.0.255", IpClass::ProtocolAssignment),
            ("192.0.1.0", IpClass::Public),
            ("192.0.2.1", IpClass::Documentation),
            ("192.0.3.0", IpClass::Public),
            ("192.88.99.1", IpClass::Reserved),
            ("192.167.255.255", IpClass::Public),
            ("192.168.0.1", IpClass::Private),
            ("192.168.255.255", IpClass::Private),
            ("192.169.0.0", IpClass::Public),
            ("198.17.255.255", IpClass::Public),
            ("198.18.0.0", IpClass::Benchmarking),
            ("198.19.255.255", IpClass::Benchmarking),
            ("198.20.0.0", IpClass::Public),
            ("198.51.100.7", IpClass::Documentation),
            ("203.0.113.9", IpClass::Documentation),
            ("203.0.114.0", IpClass::Public),
            ("223.255.255.255", IpClass::Public),
            ("224.0.0.1", IpClass::Multicast),
            ("239.255.255.255", IpClass::Multicast),
            ("240.0.0.1", IpClass::Reserved),
            ("255.255.255.254", IpClass::Reserved),
            ("255.255.255.255", IpClass::Broadcast),
        ];
        for (addr, want) in table {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn ipv6_table() {
        let table = [
            ("::", IpClass::Unspecified),
            ("::1", IpClass::Loopback),
            ("::2", IpClass::Unspecified), // ::0.0.0.2, compatible form of 0/8
            ("2606:4700::1111", IpClass::Public),
            ("2a00:1450:4001::1", IpClass::Public),
            ("3ffe::1", IpClass::Public),
            ("fc00::1", IpClass::Private),
            ("fd12:3456::1", IpClass::Private),
            ("fe80::1", IpClass::LinkLocal),
            ("febf::1", IpClass::LinkLocal),
            ("fec0::1", IpClass::Private),
            ("ff02::1", IpClass::Multicast),
            ("ff0e::1", IpClass::Multicast),
            ("2001:db8::1", IpClass::Documentation),
            ("3fff::1", IpClass::Documentation),
            ("3fff:1000::1", IpClass::Public),
            ("2001::1", IpClass::ProtocolAssignment), // Teredo
            ("2001:1ff::1", IpClass::ProtocolAssignment),
            ("2001:200::1", IpClass::Public),
            ("100::1", IpClass::Reserved), // discard-only
            ("4000::1", IpClass::Reserved),
            ("5f00::1", IpClass::Reserved),
            ("64:ff9b:1::1", IpClass::Private),
        ];
        for (addr, want) in table {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn ipv6_embedding_ipv4_is_judged_by_the_ipv4() {
        let table = [
            ("::ffff:127.0.0.1", IpClass::Loopback),
            ("::ffff:7f00:1", IpClass::Loopback),
            ("::ffff:10.1.2.3", IpClass::Private),
            ("::ffff:169.254.169.254", IpClass::LinkLocal),
            ("::ffff:8.8.8.8", IpClass::Public),
            ("::127.0.0.1", IpClass::Loopback),
            ("::192.168.1.1", IpClass::Private),
            ("::8.8.8.8", IpClass::Public),
            ("64:ff9b::127.0.0.1", IpClass::Loopback),
            ("64:ff9b::a9fe:a9fe", IpClass::LinkLocal),
            ("64:ff9b::8.8.8.8", IpClass::Public),
            ("2002:7f00:1::1", IpClass::Loopback),
            ("2002:c0a8:101::1", IpClass::Private),
            ("2002:a9fe:a9fe::", IpClass::LinkLocal),
            ("2002:808:808::1", IpClass::Public),
        ];
        for (addr, want) in table {
            assert_eq!(class(addr), want, "{addr}");
        }
    }

    #[test]
    fn only_public_is_public() {
        assert!(IpClass::Public.is_public());
        assert!(!IpClass::Loopback.is_public());
        assert_eq!(IpClass::SharedAddressSpace.to_string(), "shared (CGNAT)");
    }
}
