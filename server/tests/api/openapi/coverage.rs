use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{document, operations, template};
use crate::helpers::{spawn_app, TestApp};

/// Routes the server registers with a plain `.route(…)` and does not describe: not API
/// operations. Anything else added that way fails `every_route_in_the_source_is_described`.
const UNDESCRIBED: [(&str, &str); 6] = [
    (
        "/api/external/{*rest}",
        "the JSON 404 for unknown paths under the prefix",
    ),
    (
        "/api/public/{*rest}",
        "the JSON 404 for unknown paths under the prefix",
    ),
    ("/chatbots/{id}/conversations/export", "a console download"),
    ("/chatbots/{id}/embed/try", "a console page"),
    (
        "/widget/{id}",
        "the embedded widget's page (HTML in an iframe)",
    ),
    ("/uploads/{*key}", "uploaded files, by key"),
];

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_okchat_s_17_operations() {
    let app = spawn_app().await;
    let ours = document(&app).await;
    assert!(
        ours["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        ours["openapi"]
    );
    assert_eq!(ours["info"]["title"], "chatdeck");
    assert_eq!(ours["info"]["version"], env!("CARGO_PKG_VERSION"));
    let described: BTreeSet<(String, String)> = operations(&ours)
        .into_iter()
        .map(|(method, path, _)| (method, template(&path)))
        .collect();
    let okchat: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/okchat-openapi.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let theirs = operations(&okchat);
    assert_eq!(theirs.len(), 17, "okchat's document has its 17 operations");
    for (method, path, operation) in &theirs {
        assert!(
            described.contains(&(method.clone(), template(path))),
            "okchat's {method} {path} is not in ours"
        );
        let (_, _, mine) = operations(&ours)
            .into_iter()
            .find(|(m, p, _)| m == method && template(p) == template(path))
            .unwrap();
        assert_eq!(
            mine["operationId"], operation["operationId"],
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn keyed_operations_ask_for_the_key_and_every_api_operation_describes_its_errors() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"],
        json!({"type": "apiKey", "in": "header", "name": "x-api-key",
               "description": "An organization's API key (`chatdeck api-key create`)."})
    );
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    for (method, path, operation) in operations(&doc) {
        let keyed = path.starts_with("/api/external/") || path == "/api/embedfiles";
        let security = &operation["security"];
        if keyed {
            assert_eq!(security, &json!([{"api_key": []}]), "{method} {path}");
            let unauthorized = &operation["responses"]["401"];
            assert_eq!(
                unauthorized["content"]["application/json"]["schema"], error_body,
                "{method} {path}: 401 with the error body"
            );
        } else {
            assert!(
                security.is_null() || path == "/metrics",
                "{method} {path} needs no key"
            );
        }
        if path.contains("{chatbot_id}") {
            let not_found = &operation["responses"]["404"];
            assert_eq!(
                not_found["content"]["application/json"]["schema"], error_body,
                "{method} {path}: 404 with the error body"
            );
        }
    }
}

/// A request the router has no route for: the API's catch-all 404, the console's fallback
/// (HTML), or a 405.
async fn unserved(response: reqwest::Response) -> bool {
    let status = response.status();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        return true;
    }
    if status != StatusCode::NOT_FOUND {
        return false;
    }
    // A handler's own 404 (an unknown chatbot, say) is the error body with its own message.
    match response.json::<Value>().await {
        Ok(body) => body["error"]["message"] == "No such endpoint.",
        Err(_) => true,
    }
}

/// A concrete URL for a documented path: the real chatbot, a well-formed session token,
/// placeholders elsewhere.
fn concrete(path: &str, chatbot: &str) -> String {
    path.replace("{chatbot_id}", chatbot)
        .replace("{token}", "aaaaaaaaaaaaaaaaaaaaaaaa")
        .replace("{session_id}", "00000000-0000-4000-8000-000000000000")
        .replace("{document_id}", "00000000-0000-4000-8000-000000000000")
        .replace("{version_id}", "00000000-0000-4000-8000-000000000000")
        .replace("{message_id}", "00000000-0000-4000-8000-000000000000")
}

async fn send(app: &TestApp, method: &Method, url: &str) -> reqwest::Response {
    let mut request = app
        .http
        .request(method.clone(), url)
        .header("x-api-key", &app.key);
    if *method != Method::GET && *method != Method::DELETE {
        request = request.json(&json!({}));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn every_described_operation_is_served_and_a_described_path_serves_no_other_method() {
    let app = spawn_app().await;
    let chatbot = app.create("Coverage").await.id;
    let doc = document(&app).await;
    let mut described = operations(&doc);
    // Deleting the chatbot last keeps it for the others (their answers would be served all
    // the same: "Chatbot not found." is a handler's).
    described.sort_by_key(|(method, _, _)| method == "DELETE");
    assert!(described.len() > 17, "{} operations", described.len());
    for (method, path, _) in &described {
        let url = format!("{}{}", app.base_url, concrete(path, &chatbot));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        assert!(
            !unserved(send(&app, &method, &url).await).await,
            "{method} {path} is described but not served"
        );
    }
    let paths: BTreeSet<&String> = described.iter().map(|(_, path, _)| path).collect();
    for path in paths {
        let url = format!("{}{}", app.base_url, concrete(path, &chatbot));
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            if described
                .iter()
                .any(|(m, p, _)| p == path && m == method.as_str())
            {
                continue;
            }
            let response = send(&app, &method, &url).await;
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is served but not described"
            );
        }
    }
}

/// The path literals of every `.route(` and `.route_service(` in the server's source: routes
/// registered outside `routes!`, which the document cannot know about.
fn plain_routes() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            // Unit tests' own servers (`#[cfg(test)] mod tests` ends a file) are not served.
            let source = source.split("#[cfg(test)]").next().unwrap_or_default();
            for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
                for (at, _) in source.match_indices(call) {
                    let rest = source[at + call.len()..].trim_start();
                    let literal = rest
                        .strip_prefix('"')
                        .and_then(|rest| rest.split_once('"'))
                        .map(|(literal, _)| literal.to_owned())
                        .unwrap_or_else(|| {
                            format!("(not a literal: {})", &rest[..40.min(rest.len())])
                        });
                    found.push((path.display().to_string(), literal));
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn every_route_in_the_source_is_described() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let described: BTreeSet<&String> = doc["paths"].as_object().unwrap().keys().collect();
    let plain = plain_routes();
    assert!(
        plain.len() >= UNDESCRIBED.len(),
        "the scan finds the known plain routes: {plain:?}"
    );
    for (file, path) in &plain {
        assert!(
            described.contains(path) || UNDESCRIBED.iter().any(|(p, _)| p == path),
            "{file} registers {path} outside `routes!`: register it with `#[utoipa::path]` \
             and `routes!`, or (not an API operation) list it in UNDESCRIBED"
        );
    }
    for (path, why) in UNDESCRIBED {
        assert!(
            plain.iter().any(|(_, p)| p == path),
            "{path} ({why}) is no longer registered: take it off UNDESCRIBED"
        );
    }
}

fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_document_resolves() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{target} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
    }
}
