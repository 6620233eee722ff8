//! `accolade verify` exit statuses, one per verdict (0 valid, 1 not valid, 3 could not be
//! checked, 2 usage errors), and a reader that stops early.

use super::*;
use std::process::Stdio;

#[test]
fn exit_status_names_the_verdict() {
    let tmp = Tmp::new("verdicts");
    let (key_path, key) = keygen(&tmp);
    let did = key["didKey"].as_str().unwrap();
    let sign = |cred: &Value, name: &str| {
        let unsigned = tmp.write(&format!("{name}.unsigned.json"), cred.to_string());
        let out = accolade(&["sign", "--key", &key_path, &unsigned]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmp.write(&format!("{name}.json"), &out.stdout)
    };
    let valid = sign(&unsigned_badge(did, None), "valid");
    let out = accolade(&["verify", "--offline", &valid]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let tampered = tmp.write(
        "tampered.json",
        std::fs::read_to_string(&valid)
            .unwrap()
            .replace("Acme Academy", "Acme Academy Ltd"),
    );
    let out = accolade(&["verify", "--offline", &tampered]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("Not valid"), "{}", stdout(&out));

    // A status list that cannot be fetched: never valid, "could not be checked".
    let with_status = sign(
        &unsigned_badge(did, Some("https://status.invalid/list")),
        "status",
    );
    let out = accolade(&["verify", "--offline", &with_status]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("Could not be checked"),
        "{}",
        stdout(&out)
    );
    let out = accolade(&["verify", "--offline", "--json", &with_status]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "unchecked");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "status" && c["outcome"] == "inconclusive")
    );

    // Usage errors keep status 2.
    assert_eq!(accolade(&["verify"]).status.code(), Some(2));
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let tmp = Tmp::new("pipe");
    let (key_path, key) = keygen(&tmp);
    let unsigned = tmp.write(
        "u.json",
        unsigned_badge(key["didKey"].as_str().unwrap(), None).to_string(),
    );
    let signed = tmp.write(
        "s.json",
        accolade(&["sign", "--key", &key_path, &unsigned]).stdout,
    );
    for args in [
        vec!["verify", "--offline", &signed],
        vec!["verify", "--offline", "--json", &signed],
        vec!["unbake", &signed],
        vec!["keygen"],
    ] {
        // The pipe's reader is gone before the command writes a byte: every write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_accolade"))
            .args(&args)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        if args[0] == "verify" || args[0] == "keygen" {
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        }
    }
}
