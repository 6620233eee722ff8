//! The API's description and its refusals, without a key: `/api/v1/openapi.json` is an
//! OpenAPI 3.1 document generated from the handlers (every operation secured by the bearer
//! scheme, the server this instance's public URL), `/api/v1/docs` draws it as a page with no
//! outside asset, and every failure under `/api/v1` (unknown route, wrong method, missing
//! key) is problem JSON rather than an HTML page or plain text.

use super::{Http, PUBLIC, start};
use accolade_store::testing::fresh_sqlite;
use serde_json::Value;

fn send(http: &Http, method: &str, path: &str, content_type: &str, body: &str) -> super::Reply {
    let url = format!("{}{path}", http.base);
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", content_type)
        .body(body.to_owned())
        .unwrap();
    Http::reply(http.agent.run(req).unwrap())
}

fn problem(reply: &super::Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{}",
        reply.body
    );
    let json: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["status"], status);
    assert!(
        json["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{json}"
    );
    json
}

#[tokio::test(flavor = "multi_thread")]
async fn the_document_the_reference_page_and_problem_answers() {
    let store = fresh_sqlite().await.unwrap();
    let (_app, port) = start(store.store().clone()).await;
    let http = Http::new(port);
    let get = |path: &str, accept: &str| tokio::task::block_in_place(|| http.get(path, accept));

    let doc = get("/api/v1/openapi.json", "application/json");
    assert_eq!(doc.status, 200, "{}", doc.body);
    assert_eq!(doc.header("content-type"), Some("application/json"));
    let doc: Value = serde_json::from_str(&doc.body).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], format!("{PUBLIC}/api/v1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/achievements", "get"),
        ("/achievements", "post"),
        ("/achievements/{id}", "patch"),
        ("/awards", "post"),
        ("/awards", "get"),
        ("/awards/batch", "post"),
        ("/awards/{id}/revoke", "post"),
        ("/awards/{id}/credential", "get"),
        ("/imports", "post"),
        ("/imports/{id}/errors", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not described");
        assert_eq!(
            op["security"][0]["bearer"],
            serde_json::json!([]),
            "{method} {path}"
        );
        assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
    }
    // Schemas come from the types: the award's fields, the list envelope.
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["AwardOut"]["properties"]["state"].is_object(),
        "{schemas}"
    );
    assert!(
        schemas["AwardIn"]["required"]
            .as_array()
            .unwrap()
            .contains(&Value::from("recipient_email"))
    );
    let list =
        &paths["/awards"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(list.to_string().contains("ListPage"), "{list}");
    let csv = &paths["/imports"]["post"]["requestBody"]["content"];
    assert!(csv.get("text/csv").is_some(), "{csv}");

    // The reference page: every operation, from the same document, nothing from elsewhere.
    let page = get("/api/v1/docs", "text/html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    for text in [
        "Issue an award",
        "List awards",
        "/awards/{id}/revoke",
        "curl -X POST &quot;https://accolade.test/api/v1/awards&quot;",
        "Authorization: Bearer $ACCOLADE_API_KEY",
        "id=\"schema-awardout\"",
        "text/csv",
    ] {
        assert!(page.body.contains(text), "the reference lacks {text}");
    }
    for attr in ["src=\"http", "href=\"http", "<script"] {
        assert!(!page.body.contains(attr), "the reference loads {attr}");
    }

    // Failures are problem JSON.
    problem(&get("/api/v1/nothing-here", "application/json"), 404);
    problem(&get("/api/v1/awards/x/y/z", "text/html"), 404);
    problem(
        &tokio::task::block_in_place(|| {
            send(&http, "DELETE", "/api/v1/awards", "application/json", "")
        }),
        405,
    );
    let unauthorized = tokio::task::block_in_place(|| {
        send(&http, "POST", "/api/v1/awards", "application/json", "{}")
    });
    problem(&unauthorized, 401);
    assert!(
        unauthorized
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer")),
        "{:?}",
        unauthorized.headers
    );
    problem(&get("/api/v1/awards", "application/json"), 401);
}
