//! A did:web issuer and its status list served over real HTTP on loopback.

use super::*;

/// A tiny HTTP/1.1 server on loopback serving fixed documents by path.
fn serve(docs: Arc<Mutex<HashMap<String, String>>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let docs = docs.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let body = docs.lock().unwrap().get(&path).cloned();
                let resp = match body {
                    Some(b) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                        b.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_owned()
                    }
                };
                let _ = (&stream).write_all(resp.as_bytes());
            });
        }
    });
    port
}

#[test]
fn did_web_issuer_and_status_list_over_loopback() {
    let tmp = Tmp::new("didweb");
    let (key_path, key) = keygen(&tmp);
    let docs = Arc::new(Mutex::new(HashMap::new()));
    let port = serve(docs.clone());
    let did = format!("did:web:127.0.0.1%3A{port}:issuers:acme");
    let vm = format!("{did}#key-1");
    let list_url = format!("http://127.0.0.1:{port}/issuers/acme/status/revocation");
    let did_doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": key["publicKeyMultibase"]}],
        "assertionMethod": [vm],
    });
    docs.lock()
        .unwrap()
        .insert("/issuers/acme/did.json".into(), did_doc.to_string());
    let publish_list = |encoded: &str| {
        let list = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": list_url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": format!("{list_url}#list"), "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": encoded},
        });
        let unsigned = tmp.write("list.json", list.to_string());
        let out = accolade(&[
            "sign",
            "--key",
            &key_path,
            "--verification-method",
            &vm,
            &unsigned,
        ]);
        assert!(out.status.success());
        docs.lock()
            .unwrap()
            .insert("/issuers/acme/status/revocation".into(), stdout(&out));
    };
    // An empty list, then one with bit 42 set (131,072 entries, gzip, base64url).
    publish_list("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
    let unsigned = tmp.write(
        "unsigned.json",
        unsigned_badge(&did, Some(&list_url)).to_string(),
    );
    let signed = tmp.write(
        "signed.json",
        accolade(&[
            "sign",
            "--key",
            &key_path,
            "--verification-method",
            &vm,
            &unsigned,
        ])
        .stdout,
    );

    let out = accolade(&["verify", "--allow-loopback", &signed]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = accolade(&["verify", &signed]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "loopback must be refused by default, leaving the key unchecked: {}",
        stdout(&out)
    );
    assert!(
        stdout(&out).starts_with("Could not be checked"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("refused"), "{}", stdout(&out));

    let mut bits = vec![0u8; 16384];
    bits[42 / 8] |= 0x80 >> (42 % 8);
    let list =
        accolade_credentials::status_list::BitstringStatusList::decode(&encode_for_test(&bits))
            .unwrap();
    publish_list(&list.encode());
    let out = accolade(&["verify", "--allow-loopback", &signed]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("Revoked"), "{}", stdout(&out));
    let _ = Path::new(&signed);
}

/// Encodes raw list bytes the way the spec does (gzip, base64url) via the library.
fn encode_for_test(bits: &[u8]) -> String {
    let mut list =
        accolade_credentials::status_list::BitstringStatusList::new(bits.len() * 8).unwrap();
    for (i, b) in bits.iter().enumerate() {
        for j in 0..8 {
            if b & (0x80 >> j) != 0 {
                list.set((i * 8 + j) as u64, true).unwrap();
            }
        }
    }
    list.encode()
}
