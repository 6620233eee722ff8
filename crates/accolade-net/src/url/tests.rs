use super::*;

fn ok(input: &str) -> TargetUrl {
    TargetUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
}

#[test]
fn spellings_table() {
    // (input, canonical form)
    let table = [
        ("http://example.com", "http://example.com/"),
        (
            "HTTPS://Example.COM/Path?Q=1",
            "https://example.com/Path?Q=1",
        ),
        ("https://example.com:443/", "https://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("http://example.com:080/", "http://example.com/"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a#frag", "https://example.com/a"),
        ("https://example.com?x=1", "https://example.com/?x=1"),
        (
            "https://xn--bcher-kva.example/",
            "https://xn--bcher-kva.example/",
        ),
        ("https://example.com./", "https://example.com./"),
        ("https://_dmarc.example.com/", "https://_dmarc.example.com/"),
        // Every IPv4 spelling ends up as the real address, which the guard then judges.
        ("http://127.0.0.1/", "http://127.0.0.1/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://0x7F000001/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://127.0.1/", "http://127.0.0.1/"),
        ("http://0/", "http://0.0.0.0/"),
        ("http://0x/", "http://0.0.0.0/"),
        ("http://0251.0376.0251.0376/", "http://169.254.169.254/"),
        ("http://169.254.43518/", "http://169.254.169.254/"),
        ("http://127.0.0.1./", "http://127.0.0.1/"),
        ("http://[::1]/", "http://[::1]/"),
        (
            "http://[::ffff:127.0.0.1]:8080/",
            "http://[::ffff:127.0.0.1]:8080/",
        ),
        ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
        ("http://[FE80::1]/", "http://[fe80::1]/"),
    ];
    for (input, want) in table {
        assert_eq!(ok(input).to_string(), want, "{input}");
    }
}

#[test]
fn refused_table() {
    let table = [
        ("", UrlError::Empty),
        ("example.com/a", UrlError::NotAbsolute),
        ("/relative", UrlError::NotAbsolute),
        ("http:example.com", UrlError::NotAbsolute),
        (
            "ftp://example.com/",
            UrlError::UnsupportedScheme("ftp".into()),
        ),
        (
            "file:///etc/passwd",
            UrlError::UnsupportedScheme("file".into()),
        ),
        (
            "gopher://127.0.0.1:6379/",
            UrlError::UnsupportedScheme("gopher".into()),
        ),
        ("http://user@example.com/", UrlError::UserInfo),
        ("http://user:pw@example.com/", UrlError::UserInfo),
        ("http://example.com@127.0.0.1/", UrlError::UserInfo),
        ("http://@example.com/", UrlError::UserInfo),
        ("http:///path", UrlError::NoHost),
        ("http://:80/", UrlError::NoHost),
        ("http://bücher.example/", UrlError::NonAscii),
        ("http://exаmple.com/", UrlError::NonAscii), // Cyrillic а
        ("http://example.com/ä", UrlError::NonAscii),
        ("http://exa mple.com/", UrlError::ControlCharacter),
        ("http://example.com/\n", UrlError::ControlCharacter),
        (" http://example.com/", UrlError::ControlCharacter),
        ("http://example.com\\@evil/", UrlError::Backslash),
        ("http:\\\\evil/", UrlError::Backslash),
        (
            "http://exa%6dple.com/",
            UrlError::BadHost("exa%6dple.com".into()),
        ),
        ("http://a..b/", UrlError::BadHost("a..b".into())),
        (
            "http://-x.example!/",
            UrlError::BadHost("-x.example!".into()),
        ),
        ("http://example.com:0/", UrlError::BadPort("0".into())),
        (
            "http://example.com:65536/",
            UrlError::BadPort("65536".into()),
        ),
        ("http://example.com:/", UrlError::BadPort("".into())),
        ("http://example.com:+80/", UrlError::BadPort("+80".into())),
        (
            "http://example.com:80:80/",
            UrlError::BadHost("example.com:80:80".into()),
        ),
        ("http://256.0.0.1/", UrlError::BadIpv4("256.0.0.1".into())),
        ("http://1.2.3.4.5/", UrlError::BadIpv4("1.2.3.4.5".into())),
        ("http://4294967296/", UrlError::BadIpv4("4294967296".into())),
        ("http://08.0.0.1/", UrlError::BadIpv4("08.0.0.1".into())),
        ("http://0x1g.1/", UrlError::BadIpv4("0x1g.1".into())),
        (
            "http://example.123/",
            UrlError::BadIpv4("example.123".into()),
        ),
        ("http://+1.2.3.4/", UrlError::BadIpv4("+1.2.3.4".into())),
        ("http://[::1/", UrlError::BadIpv6("[::1".into())),
        (
            "http://[fe80::1%25eth0]/",
            UrlError::BadIpv6("[fe80::1%25eth0]".into()),
        ),
        ("http://[::1]x/", UrlError::BadHost("[::1]x".into())),
        (
            "http://[127.0.0.1]/",
            UrlError::BadIpv6("[127.0.0.1]".into()),
        ),
    ];
    for (input, want) in table {
        assert_eq!(TargetUrl::parse(input), Err(want), "{input:?}");
    }
}

#[test]
fn join_table() {
    let base = ok("https://example.com/a/b/c?q=1");
    let table = [
        ("https://other.example/x", "https://other.example/x"),
        ("HTTP://other.example/x", "http://other.example/x"),
        ("//other.example/x", "https://other.example/x"),
        ("/x/y", "https://example.com/x/y"),
        ("/x/../y", "https://example.com/y"),
        ("d", "https://example.com/a/b/d"),
        ("./d?z", "https://example.com/a/b/d?z"),
        ("../d", "https://example.com/a/d"),
        ("../../../../d", "https://example.com/d"),
        ("?z=2", "https://example.com/a/b/c?z=2"),
        ("", "https://example.com/a/b/c?q=1"),
        ("#frag", "https://example.com/a/b/c?q=1"),
        ("./a:b", "https://example.com/a/b/a:b"),
    ];
    for (reference, want) in table {
        let joined = base
            .join(reference)
            .unwrap_or_else(|e| panic!("{reference}: {e}"));
        assert_eq!(joined.to_string(), want, "{reference}");
    }
    let refused = [
        ("d:e", UrlError::UnsupportedScheme("d".into())),
        (
            "javascript:alert(1)",
            UrlError::UnsupportedScheme("javascript".into()),
        ),
        (
            "file:///etc/passwd",
            UrlError::UnsupportedScheme("file".into()),
        ),
        ("http:/x", UrlError::NotAbsolute),
        ("/\\evil.example", UrlError::Backslash),
        ("//user@evil.example/", UrlError::UserInfo),
    ];
    for (reference, want) in refused {
        assert_eq!(base.join(reference), Err(want), "{reference}");
    }
    // A network-path reference gets the same IPv4 treatment as an absolute URL.
    assert_eq!(
        base.join("//0x7f.1/").map(|u| u.to_string()),
        Ok("https://127.0.0.1/".to_owned())
    );
}

#[test]
fn accessors() {
    let url = ok("https://[::1]:8443/p?q");
    assert_eq!(url.scheme(), Scheme::Https);
    assert_eq!(url.host(), &Host::Ip("::1".parse().unwrap()));
    assert_eq!(url.port(), 8443);
    assert_eq!(url.path_and_query(), "/p?q");
}
