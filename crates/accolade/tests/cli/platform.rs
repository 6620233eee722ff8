//! The platform commands (organizations, achievements, awards, keys) on one database.

use super::*;

fn platform(data_dir: &str, args: &[&str]) -> Output {
    let mut all = vec![
        "--data-dir",
        data_dir,
        "--public-url",
        "https://badges.example.org",
    ];
    all.extend_from_slice(args);
    accolade(&all)
}

#[test]
fn platform_commands_share_one_database() {
    let tmp = Tmp::new("platform");
    let dir = tmp.0.join("data").to_string_lossy().into_owned();
    let out = platform(
        &dir,
        &[
            "org",
            "create",
            "--name",
            "Acme Academy",
            "--url",
            "https://acme.example",
            "--email",
            "badges@acme.example",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let org: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        org["did"],
        "did:web:badges.example.org:issuers:acme-academy"
    );
    // The master key was created, private to its owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.0.join("data/master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }
    let dup = platform(
        &dir,
        &[
            "org",
            "create",
            "--name",
            "Acme Academy",
            "--url",
            "https://acme.example",
        ],
    );
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let image = tmp.write(
        "badge.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#,
    );
    let out = platform(
        &dir,
        &[
            "achievement",
            "create",
            "--org",
            "acme-academy",
            "--name",
            "First Aid",
            "--description",
            "Workplace first aid.",
            "--criteria",
            "Pass the practical assessment.",
            "--type",
            "Certification",
            "--image",
            &image,
            "--credits",
            "1.5",
            "--align",
            "Provide first aid|https://esco.example/skills/first-aid|ESCO|S1",
            "--expires-months",
            "24",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let achievement: Value = serde_json::from_slice(&out.stdout).unwrap();
    let achievement_id = achievement["id"].as_str().unwrap();

    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "ada@example.com",
            "--name",
            "Ada Lovelace",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let credential: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = credential["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("https://badges.example.org/credentials/"));
    assert_eq!(
        credential["credentialSubject"]["achievement"]["achievementType"],
        "Certification"
    );
    let signed = tmp.write("credential.json", &out.stdout);
    if interop() {
        let (schema_ok, _) = (node("schema.mjs", &[&signed]).status.success(), ());
        assert!(
            schema_ok,
            "the official schema rejected a CLI-issued credential"
        );
    }

    // Keys: rotate, list; the retired key stays listed.
    let out = platform(&dir, &["keys", "rotate", "--org", "acme-academy", "--json"]);
    let keys: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 2);
    assert_eq!(
        keys.as_array()
            .unwrap()
            .iter()
            .filter(|k| k["retired"].is_string())
            .count(),
        1
    );

    // Suspend, reinstate, revoke (by id or by credential URL); wrong transitions are refused.
    let short = id.rsplit('/').next().unwrap().to_owned();
    assert!(
        platform(&dir, &["suspend", &short, "--reason", "review"])
            .status
            .success()
    );
    assert!(platform(&dir, &["reinstate", &id]).status.success());
    assert_eq!(platform(&dir, &["reinstate", &id]).status.code(), Some(2));
    assert_eq!(
        platform(&dir, &["revoke", &id, "--reason", "  "])
            .status
            .code(),
        Some(2)
    );
    assert!(
        platform(&dir, &["revoke", &id, "--reason", "Issued in error"])
            .status
            .success()
    );
    let again = platform(&dir, &["revoke", &id, "--reason", "again"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));

    // Unknown ids and malformed options: clear messages, nothing changes.
    let out = platform(
        &dir,
        &[
            "revoke",
            "00000000-0000-4000-8000-000000000000",
            "--reason",
            "x",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be found"));
    let out = platform(
        &dir,
        &["award", "--achievement", "nope", "--email", "a@example.com"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an achievement id"));
    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "not-an-email",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("recipient_email: Enter an email address in the form name@example.org."),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = platform(
        &dir,
        &[
            "achievement",
            "create",
            "--org",
            "nobody",
            "--name",
            "x",
            "--description",
            "y",
            "--criteria",
            "z",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("This organization could not be found."));

    // Without the master key, signing is impossible; with it back, it works again.
    let key_path = tmp.0.join("data/master.key");
    let saved = std::fs::read(&key_path).unwrap();
    std::fs::remove_file(&key_path).unwrap();
    let out = platform(
        &dir,
        &[
            "award",
            "--achievement",
            achievement_id,
            "--email",
            "grace@example.com",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("master key is missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !tmp.0.join("data/master.key").exists(),
        "a missing master key is never silently replaced"
    );
    std::fs::write(&key_path, saved).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert!(
        platform(
            &dir,
            &[
                "award",
                "--achievement",
                achievement_id,
                "--email",
                "grace@example.com"
            ]
        )
        .status
        .success()
    );

    // A database that cannot be opened is a clear error.
    let out = accolade(&[
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--data-dir",
        &dir,
        "org",
        "list",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}
