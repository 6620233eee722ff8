//! Status changes on both backends: compare-and-set on the award's state, with the audit
//! entry, email and status-version bump in the same transaction (a failing write rolls the
//! change back); revocation final in the schema itself; bulk revocation in batches; an
//! issued award with everything it writes, and its succession, in one transaction.

use super::fixtures::{T0, achievement, award, key, minutes, org};
use accolade_core::{
    Actor, AuditEvent, AuditId, Award, AwardId, AwardStatus, Email, ExpiryPolicy, JobId, OrgId,
    OutboxId,
};
use accolade_store::testing::{execute_raw, fresh_postgres, fresh_sqlite};
use accolade_store::{
    Enqueued, IssuedAward, NewJob, OutboxMessage, OutboxState, QueuedEmail, REVOCATIONS_PER_BATCH,
    Revocation, StatusChange, StatusChanged, Store, StoreError, Succession,
};
use time::OffsetDateTime;

fn audit(org: OrgId, action: &str, target: AwardId) -> AuditEvent {
    AuditEvent {
        id: AuditId::new(),
        org_id: org,
        actor: Actor::system(),
        action: action.into(),
        target: target.to_string(),
        detail: String::new(),
        at: T0,
    }
}

fn email(a: &Award, template: &str) -> QueuedEmail {
    QueuedEmail {
        message: OutboxMessage {
            id: OutboxId::new(),
            org_id: Some(a.org_id),
            award_id: Some(a.id),
            template: template.into(),
            to: Email::parse(a.recipient_email.as_str()).unwrap(),
            subject: "Your badge".into(),
            body_text: "text".into(),
            body_html: "<p>html</p>".into(),
            state: OutboxState::Queued,
            attempts: 0,
            last_error: None,
            created_at: T0,
            sent_at: None,
        },
        job: NewJob {
            id: JobId::new(),
            kind: "send_email".into(),
            payload: serde_json::json!({}),
            idempotency_key: Some(format!("mail:{template}:{}", a.id)),
            run_at: T0,
            max_attempts: 3,
            created_at: T0,
        },
    }
}

fn change<'a>(
    award: AwardId,
    to: AwardStatus,
    audit: &'a AuditEvent,
    email: Option<&'a QueuedEmail>,
) -> StatusChange<'a> {
    StatusChange {
        award,
        to,
        reason: Some("because"),
        at: minutes(60),
        audit,
        email,
    }
}

async fn history(store: &Store, a: &Award) -> Vec<String> {
    store
        .audit_events_for(a.org_id, &a.id.to_string(), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn status(store: &Store, id: AwardId) -> AwardStatus {
    store.award(id).await.unwrap().unwrap().status
}

async fn status_story(store: &Store) {
    let acme = org("Acme Academy", "acme-status");
    let beta = org("Beta Institute", "beta-status");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();
    let k = key(acme.id, T0);
    store.insert_key(&k).await.unwrap();
    let first_aid = achievement(acme.id, "First Aid", ExpiryPolicy::Never);
    store.insert_achievement(&first_aid).await.unwrap();
    let [ada, bob, cy] = [0, 1, 2].map(|i| award(&first_aid, k.id, i, minutes(i.into())));
    for a in [&ada, &bob, &cy] {
        store.insert_award(a).await.unwrap();
    }

    // A revocation: the state, its audit entry, its email and the version, together.
    let v0 = store.status_version(acme.id).await.unwrap();
    let entry = audit(acme.id, "award.revoke", ada.id);
    let notice = email(&ada, "revocation");
    let done = store
        .change_award_status(&change(ada.id, AwardStatus::Revoked, &entry, Some(&notice)))
        .await
        .unwrap();
    let StatusChanged::Changed(revoked) = done else {
        panic!("expected a change, got {done:?}");
    };
    assert_eq!(revoked.status, AwardStatus::Revoked);
    assert_eq!(revoked.status_reason.as_deref(), Some("because"));
    assert_eq!(revoked.status_changed_at, Some(minutes(60)));
    assert_eq!(store.status_version(acme.id).await.unwrap(), v0 + 1);
    assert_eq!(history(store, &ada).await, ["award.revoke"]);
    let outbox = store.outbox(Some(acme.id), 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].award_id, Some(ada.id));
    assert_eq!(
        store
            .flagged_indices(acme.id, AwardStatus::Revoked)
            .await
            .unwrap(),
        [ada.status_index]
    );

    // Nothing moves out of revoked, and a refused change writes nothing.
    for to in [
        AwardStatus::Revoked,
        AwardStatus::Active,
        AwardStatus::Suspended,
    ] {
        let entry = audit(acme.id, "award.again", ada.id);
        let notice = email(&ada, "again");
        assert_eq!(
            store
                .change_award_status(&change(ada.id, to, &entry, Some(&notice)))
                .await
                .unwrap(),
            StatusChanged::Refused(AwardStatus::Revoked),
            "{to:?}"
        );
        assert!(
            !store
                .set_award_status(ada.id, to, None, minutes(61))
                .await
                .unwrap()
        );
    }
    assert_eq!(store.status_version(acme.id).await.unwrap(), v0 + 1);
    assert_eq!(history(store, &ada).await, ["award.revoke"]);
    assert_eq!(store.outbox(Some(acme.id), 10).await.unwrap().len(), 1);
    assert_eq!(
        store.award(ada.id).await.unwrap().unwrap().status_reason,
        Some("because".into())
    );

    // Suspension and reinstatement only from the state they leave.
    let entry = audit(acme.id, "award.reinstate", bob.id);
    assert_eq!(
        store
            .change_award_status(&change(bob.id, AwardStatus::Active, &entry, None))
            .await
            .unwrap(),
        StatusChanged::Refused(AwardStatus::Active)
    );
    let entry = audit(acme.id, "award.suspend", bob.id);
    assert!(matches!(
        store
            .change_award_status(&change(bob.id, AwardStatus::Suspended, &entry, None))
            .await
            .unwrap(),
        StatusChanged::Changed(a) if a.status == AwardStatus::Suspended
    ));
    let entry = audit(acme.id, "award.suspend", bob.id);
    assert_eq!(
        store
            .change_award_status(&change(bob.id, AwardStatus::Suspended, &entry, None))
            .await
            .unwrap(),
        StatusChanged::Refused(AwardStatus::Suspended)
    );
    let entry = audit(acme.id, "award.reinstate", bob.id);
    assert!(matches!(
        store
            .change_award_status(&change(bob.id, AwardStatus::Active, &entry, None))
            .await
            .unwrap(),
        StatusChanged::Changed(a) if a.status == AwardStatus::Active
    ));
    assert_eq!(history(store, &bob).await.len(), 2);
    let entry = audit(acme.id, "award.revoke", AwardId::new());
    assert_eq!(
        store
            .change_award_status(&change(AwardId::new(), AwardStatus::Revoked, &entry, None))
            .await
            .unwrap(),
        StatusChanged::NotFound
    );

    // A failing audit write (an entry id already used) rolls the revocation back: no
    // state, no email, no version bump.
    let v1 = store.status_version(acme.id).await.unwrap();
    let taken = audit(acme.id, "award.note", cy.id);
    store.insert_audit(&taken).await.unwrap();
    let notice = email(&cy, "revocation");
    let failed = store
        .change_award_status(&change(cy.id, AwardStatus::Revoked, &taken, Some(&notice)))
        .await;
    assert!(
        matches!(failed, Err(StoreError::Conflict { what: "id" })),
        "{failed:?}"
    );
    assert_eq!(status(store, cy.id).await, AwardStatus::Active);
    assert_eq!(store.status_version(acme.id).await.unwrap(), v1);
    assert_eq!(history(store, &cy).await, ["award.note"]);
    assert_eq!(store.outbox(Some(acme.id), 10).await.unwrap().len(), 1);
    // So does a failing email write (a message id already used), the audit entry with it.
    let mut clash = email(&cy, "revocation");
    clash.message.id = outbox[0].id;
    let entry = audit(acme.id, "award.revoke", cy.id);
    let failed = store
        .change_award_status(&change(cy.id, AwardStatus::Revoked, &entry, Some(&clash)))
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(status(store, cy.id).await, AwardStatus::Active);
    assert_eq!(store.status_version(acme.id).await.unwrap(), v1);
    assert_eq!(history(store, &cy).await, ["award.note"]);
    assert!(
        matches!(
            store.enqueue_job(&clash.job).await.unwrap(),
            Enqueued::New(_)
        ),
        "the email's job was rolled back too"
    );
    assert!(
        store
            .flagged_indices(acme.id, AwardStatus::Revoked)
            .await
            .unwrap()
            .iter()
            .all(|i| *i != cy.status_index)
    );

    // The schema itself keeps a revocation: no statement takes an award out of revoked,
    // moves its status-list position, or deletes it.
    for sql in [
        format!(
            "UPDATE awards SET status = 'active' WHERE id = '{}'",
            ada.id
        ),
        format!(
            "UPDATE awards SET status = 'suspended' WHERE id = '{}'",
            ada.id
        ),
        format!(
            "UPDATE awards SET status_index = status_index + 7 WHERE id = '{}'",
            ada.id
        ),
        format!(
            "UPDATE awards SET org_id = '{}' WHERE id = '{}'",
            beta.id, ada.id
        ),
        format!("DELETE FROM awards WHERE id = '{}'", ada.id),
    ] {
        assert!(execute_raw(store, &sql).await.is_err(), "{sql}");
    }
    assert_eq!(status(store, ada.id).await, AwardStatus::Revoked);
    // Other updates of a revoked award's row still work (its links, say).
    execute_raw(
        store,
        &format!(
            "UPDATE awards SET status_reason = 'still revoked' WHERE id = '{}'",
            ada.id
        ),
    )
    .await
    .unwrap();
    assert_eq!(status(store, ada.id).await, AwardStatus::Revoked);
}

async fn bulk_story(store: &Store) {
    let acme = org("Acme Academy", "acme-bulk");
    let beta = org("Beta Institute", "beta-bulk");
    store.insert_org(&acme).await.unwrap();
    store.insert_org(&beta).await.unwrap();
    let (ka, kb) = (key(acme.id, T0), key(beta.id, T0));
    store.insert_key(&ka).await.unwrap();
    store.insert_key(&kb).await.unwrap();
    let ach = achievement(acme.id, "First Aid", ExpiryPolicy::Never);
    let other = achievement(beta.id, "Beta", ExpiryPolicy::Never);
    store.insert_achievement(&ach).await.unwrap();
    store.insert_achievement(&other).await.unwrap();
    let awards: Vec<Award> = (0..12).map(|i| award(&ach, ka.id, i, T0)).collect();
    for a in &awards {
        store.insert_award(a).await.unwrap();
    }
    let foreign = award(&other, kb.id, 99, T0);
    store.insert_award(&foreign).await.unwrap();
    // One already revoked, one suspended.
    assert!(
        store
            .set_award_status(awards[0].id, AwardStatus::Revoked, None, T0)
            .await
            .unwrap()
    );
    assert!(
        store
            .set_award_status(awards[1].id, AwardStatus::Suspended, None, T0)
            .await
            .unwrap()
    );
    let v0 = store.status_version(acme.id).await.unwrap();
    let batch: Vec<Revocation> = awards
        .iter()
        .chain([&foreign])
        .map(|a| Revocation {
            award: a.id,
            audit: audit(acme.id, "award.revoke", a.id),
            email: Some(email(a, "revocation")),
        })
        .chain([Revocation {
            award: AwardId::new(),
            audit: audit(acme.id, "award.revoke", AwardId::new()),
            email: None,
        }])
        .collect();
    let at: OffsetDateTime = minutes(90);
    let revoked = store
        .revoke_awards(acme.id, "course withdrawn", at, &batch)
        .await
        .unwrap();
    let expected: Vec<AwardId> = awards[1..].iter().map(|a| a.id).collect();
    assert_eq!(revoked, expected, "the suspended and active ones, in order");
    assert_eq!(store.status_version(acme.id).await.unwrap(), v0 + 1);
    assert_eq!(store.status_version(beta.id).await.unwrap(), 0);
    assert_eq!(status(store, foreign.id).await, AwardStatus::Active);
    let again = store.award(awards[0].id).await.unwrap().unwrap();
    assert_eq!(again.status_reason, None, "the earlier revocation is kept");
    assert_eq!(store.outbox(Some(acme.id), 100).await.unwrap().len(), 11);
    assert!(history(store, &awards[0]).await.is_empty());
    for a in &awards[1..] {
        let now = store.award(a.id).await.unwrap().unwrap();
        assert_eq!(now.status, AwardStatus::Revoked);
        assert_eq!(now.status_reason.as_deref(), Some("course withdrawn"));
        assert_eq!(now.status_changed_at, Some(at));
        assert_eq!(history(store, a).await, ["award.revoke"]);
    }
    // Again: nothing left to revoke, nothing written.
    assert!(
        store
            .revoke_awards(acme.id, "again", at, &batch)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.status_version(acme.id).await.unwrap(), v0 + 1);
    // A batch larger than one statement takes is refused.
    let too_many: Vec<Revocation> = (0..=REVOCATIONS_PER_BATCH)
        .map(|_| batch[1].clone())
        .collect();
    assert!(
        store
            .revoke_awards(acme.id, "x", at, &too_many)
            .await
            .is_err()
    );
    // Batched reads of an organization's awards leave out the others'.
    let ids: Vec<AwardId> = awards.iter().chain([&foreign]).map(|a| a.id).collect();
    assert_eq!(
        store.org_awards_by_ids(acme.id, &ids).await.unwrap().len(),
        12
    );
}

async fn issue_story(store: &Store) {
    let acme = org("Acme Academy", "acme-issue");
    store.insert_org(&acme).await.unwrap();
    let k = key(acme.id, T0);
    store.insert_key(&k).await.unwrap();
    let ach = achievement(acme.id, "First Aid", ExpiryPolicy::Never);
    store.insert_achievement(&ach).await.unwrap();

    // Award, email and audit entry in one transaction.
    let ada = award(&ach, k.id, 1, T0);
    let entry = audit(acme.id, "award.issue", ada.id);
    let notice = email(&ada, "badge_issued");
    let issued = IssuedAward {
        award: &ada,
        email: Some(&notice),
        claims: &[],
        audit: std::slice::from_ref(&entry),
        follows: None,
    };
    assert!(store.insert_issued_award(&issued).await.unwrap());
    assert_eq!(history(store, &ada).await, ["award.issue"]);
    assert_eq!(store.outbox(Some(acme.id), 10).await.unwrap().len(), 1);

    // A failing audit write leaves no award behind (a retry cannot make a duplicate).
    let bob = award(&ach, k.id, 2, T0);
    let notice = email(&bob, "badge_issued");
    let issued = IssuedAward {
        award: &bob,
        email: Some(&notice),
        claims: &[],
        audit: std::slice::from_ref(&entry),
        follows: None,
    };
    assert!(matches!(
        store.insert_issued_award(&issued).await,
        Err(StoreError::Conflict { what: "id" })
    ));
    assert_eq!(store.award(bob.id).await.unwrap(), None);
    assert_eq!(store.outbox(Some(acme.id), 10).await.unwrap().len(), 1);
    // A taken status-list position is told apart (the caller draws another).
    let clash = award(&ach, k.id, 1, T0);
    let entry = audit(acme.id, "award.issue", clash.id);
    let issued = IssuedAward {
        award: &clash,
        email: None,
        claims: &[],
        audit: std::slice::from_ref(&entry),
        follows: None,
    };
    assert!(matches!(
        store.insert_issued_award(&issued).await,
        Err(StoreError::Conflict {
            what: "status_index"
        })
    ));

    // A correction supersedes the old award in the same transaction, once.
    let v0 = store.status_version(acme.id).await.unwrap();
    let fixed = award(&ach, k.id, 3, minutes(5));
    let entries = [
        audit(acme.id, "award.issue", fixed.id),
        audit(acme.id, "award.revoke", ada.id),
    ];
    let issued = IssuedAward {
        award: &fixed,
        email: None,
        claims: &[],
        audit: &entries,
        follows: Some(Succession::Supersedes {
            old: ada.id,
            reason: "Superseded",
        }),
    };
    assert!(store.insert_issued_award(&issued).await.unwrap());
    let old = store.award(ada.id).await.unwrap().unwrap();
    assert_eq!(old.status, AwardStatus::Revoked);
    assert_eq!(store.status_version(acme.id).await.unwrap(), v0 + 1);
    let links = store.award_links(ada.id).await.unwrap().unwrap();
    assert_eq!(links.replaced_by, Some(fixed.id));
    let links = store.award_links(fixed.id).await.unwrap().unwrap();
    assert_eq!(links.replaces, Some(ada.id));
    // A second correction of the same (now revoked) award writes nothing at all.
    let late = award(&ach, k.id, 4, minutes(6));
    let entries = [audit(acme.id, "award.issue", late.id)];
    let issued = IssuedAward {
        award: &late,
        email: None,
        claims: &[],
        audit: &entries,
        follows: Some(Succession::Supersedes {
            old: ada.id,
            reason: "Superseded",
        }),
    };
    assert!(!store.insert_issued_award(&issued).await.unwrap());
    assert_eq!(store.award(late.id).await.unwrap(), None);
    assert!(history(store, &late).await.is_empty());

    // A renewal links once; a renewal of a revoked award is refused.
    let next = award(&ach, k.id, 5, minutes(7));
    let entries = [audit(acme.id, "award.issue", next.id)];
    let issued = IssuedAward {
        award: &next,
        email: None,
        claims: &[],
        audit: &entries,
        follows: Some(Succession::Renews { old: fixed.id }),
    };
    assert!(store.insert_issued_award(&issued).await.unwrap());
    assert_eq!(
        store
            .award_links(fixed.id)
            .await
            .unwrap()
            .unwrap()
            .renewed_by,
        Some(next.id)
    );
    assert_eq!(
        store
            .award_links(next.id)
            .await
            .unwrap()
            .unwrap()
            .renewal_of,
        Some(fixed.id)
    );
    for old in [fixed.id, ada.id] {
        let again = award(&ach, k.id, 6, minutes(8));
        let entries = [audit(acme.id, "award.issue", again.id)];
        let issued = IssuedAward {
            award: &again,
            email: None,
            claims: &[],
            audit: &entries,
            follows: Some(Succession::Renews { old }),
        };
        assert!(!store.insert_issued_award(&issued).await.unwrap());
        assert_eq!(store.award(again.id).await.unwrap(), None);
    }
}

async fn all(store: &Store) {
    status_story(store).await;
    bulk_story(store).await;
    issue_story(store).await;
}

#[tokio::test]
async fn status_changes_on_sqlite() {
    all(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn status_changes_on_postgres() {
    let Some(store) = fresh_postgres().await.unwrap() else {
        return;
    };
    all(&store).await;
}
