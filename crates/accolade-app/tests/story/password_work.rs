//! Password hashing under its cap: many sign-ins at once all complete, right and wrong
//! passwords get the right answers, and no more hashes than the cap ever run together.

use super::make_app;
use accolade_app::AppError;
use accolade_core::FixedClock;
use accolade_store::Store;
use std::sync::Arc;
use time::macros::datetime;

const PW: &str = "correct horse battery staple";

async fn capped(store: Store) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 09:30 UTC)));
    let app = make_app(store, None, clock);
    let app = Arc::new(
        Arc::try_unwrap(app)
            .ok()
            .expect("a fresh app")
            .with_password_workers(2),
    );
    for i in 0..3 {
        app.sign_up(&format!("p{i}@example.com"), "P", PW)
            .await
            .unwrap();
    }
    assert!(app.passwords().peak() <= 2);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("p{}@example.com", i % 3);
            let pw = if i % 4 == 0 { "a wrong password" } else { PW };
            (i, app.sign_in(&email, pw, &format!("client-{i}")).await)
        }));
    }
    for t in tasks {
        let (i, result) = t.await.unwrap();
        match result {
            Ok(s) => assert!(i % 4 != 0 && s.user.email.as_str().starts_with('p')),
            Err(AppError::Unauthorized(_)) => assert_eq!(i % 4, 0),
            Err(e) => panic!("sign-in {i}: {e}"),
        }
    }
    // The cap held, and was used: twelve checks of tens of milliseconds overlapped.
    assert_eq!(app.passwords().cap(), 2);
    assert_eq!(app.passwords().peak(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_is_capped_on_sqlite() {
    let (store, _guard) = accolade_store::testing::fresh_sqlite()
        .await
        .unwrap()
        .into_parts();
    capped(store).await;
}
