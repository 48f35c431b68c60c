//! `/api/openapi.json` and the reference page: the document describes okchat's 17 operations
//! and every route the router serves, and serves every route it describes.

mod coverage;
mod reference;

use serde_json::Value;

use crate::helpers::TestApp;

/// The document as the server serves it.
pub async fn document(app: &TestApp) -> Value {
    let response = app
        .http
        .get(format!("{}/api/openapi.json", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")));
    response.json().await.expect("the document is JSON")
}

/// Every `(METHOD, path)` of a document, with path parameters renamed to `{}` (okchat names
/// them `{chatbotId}`, axum `{chatbot_id}`).
pub fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                operations.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    operations
}

pub fn template(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            c => out.push(c),
        }
    }
    out
}
