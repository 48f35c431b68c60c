use reqwest::Method;

use crate::helpers::spawn_app;

#[tokio::test]
async fn errors_carry_a_request_id_matching_the_header() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/api/external/chatbots"))
        .send()
        .await
        .unwrap();
    let header = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], header.as_str());
}

#[tokio::test]
async fn cors_preflight_allows_the_api_key_header_from_any_origin() {
    let app = spawn_app().await;
    let response = app
        .http
        .request(Method::OPTIONS, app.url("/api/external/chatbots"))
        .header("origin", "https://customer.example")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "x-api-key, content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-api-key") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("PATCH"));
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_json_errors() {
    let app = spawn_app().await;
    let (status, body) = app
        .send_raw(Method::GET, "/api/external/nothing-here", "")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = app
        .send_raw(Method::PUT, "/api/external/chatbots", "{}")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
}
