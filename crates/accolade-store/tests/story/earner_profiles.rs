//! Earner profiles, on both backends: empty until written, headline and photo round trip,
//! a second write replaces the first, each account sees only its own, and a photo must be a
//! stored image.

use super::fixtures::{T0, minutes};
use accolade_core::{Email, ImageId, ImageRecord, User, UserId};
use accolade_store::testing::{fresh_postgres, fresh_sqlite};
use accolade_store::{EarnerProfile, Store};

fn user(name: &str) -> User {
    User {
        id: UserId::new(),
        email: Email::parse(&format!("{name}@example.org")).unwrap(),
        name: name.into(),
        password_hash: "x".into(),
        created_at: T0,
    }
}

async fn earner_profiles_story(store: &Store) {
    let ada = user("ada");
    let bob = user("bob");
    store.insert_user(&ada).await.unwrap();
    store.insert_user(&bob).await.unwrap();
    assert_eq!(
        store.earner_profile(ada.id).await.unwrap(),
        EarnerProfile::default()
    );

    let photo = ImageRecord {
        id: ImageId::new(),
        org_id: None,
        content_type: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G'],
        created_at: T0,
    };
    store.insert_image(&photo).await.unwrap();
    let first = EarnerProfile {
        headline: "Data engineer · Ünïcode".into(),
        image_id: Some(photo.id),
    };
    store.set_earner_profile(ada.id, &first, T0).await.unwrap();
    assert_eq!(store.earner_profile(ada.id).await.unwrap(), first);
    assert_eq!(
        store.earner_profile(bob.id).await.unwrap(),
        EarnerProfile::default()
    );

    let second = EarnerProfile {
        headline: "Platform lead".into(),
        image_id: None,
    };
    store
        .set_earner_profile(ada.id, &second, minutes(1))
        .await
        .unwrap();
    assert_eq!(store.earner_profile(ada.id).await.unwrap(), second);

    // A photo that is not a stored image is refused.
    let dangling = EarnerProfile {
        headline: String::new(),
        image_id: Some(ImageId::new()),
    };
    assert!(
        store
            .set_earner_profile(bob.id, &dangling, T0)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn earner_profiles_on_sqlite() {
    earner_profiles_story(&fresh_sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn earner_profiles_on_postgres() {
    let Some(store) = fresh_postgres().await.expect("unusable test PostgreSQL") else {
        return;
    };
    earner_profiles_story(&store).await;
}
