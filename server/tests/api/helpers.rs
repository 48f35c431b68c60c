use std::path::Path;
use std::sync::Arc;

use leptos::server_fn::ServerFn;
use okchat::{Chatbot, Client, ClientError, CreateChatbot};
use serde_json::Value;
use server::config::Config;
use server::console::Console;
use server::startup::Application;
use server::state::AppState;
use server::users;
use tempfile::TempDir;

pub struct TestApp {
    pub base_url: String,
    pub key: String,
    /// The `okchat` client with this app's first organization key.
    pub client: Client,
    pub http: reqwest::Client,
    pub state: AppState,
    pub console: Arc<Console>,
    /// Shared by the replicas of this app.
    pub data_dir: Arc<TempDir>,
    /// Cancelling it shuts this server down as SIGTERM would.
    pub stop: tokio_util::sync::CancellationToken,
}

/// A fixture file of the contract crate (`tests/fixtures/` at the workspace root).
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The knowledge settings of a test server: PDFs through this build's binary, local pages
/// fetchable (the test servers are on loopback), short leases so a takeover is quick.
pub fn test_knowledge_config() -> server::knowledge::KnowledgeConfig {
    let mut config = server::knowledge::KnowledgeConfig::default();
    config.extract.program = env!("CARGO_BIN_EXE_chatdeck").into();
    config.fetch.allow_private = true;
    config.lease = std::time::Duration::from_secs(3);
    config
}

/// The database of a test server whose data directory is `data_dir`: a SQLite file in it, or,
/// when `CHATDECK_TEST_POSTGRES` names a PostgreSQL server (the test command starts one for the
/// suite's second run), a database of its own there, named after the directory so that the
/// replicas of an app share it.
pub async fn database_url(data_dir: &Path) -> String {
    use sqlx::Connection;
    let Ok(server) = std::env::var("CHATDECK_TEST_POSTGRES") else {
        return Config::default_database_url(data_dir);
    };
    // Hex: temporary directories' names differ in case, which unquoted SQL names ignore.
    let name: String = std::iter::once("t_".to_owned())
        .chain(
            data_dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .bytes()
                .map(|b| format!("{b:02x}")),
        )
        .collect();
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("the tests' PostgreSQL server answers");
    let exists: bool =
        sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("pg_database readable");
    if !exists {
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await
            .expect("test database created");
    }
    format!(
        "{}/{name}",
        server.rsplit_once('/').expect("a server URL").0
    )
}

/// The file storage of a test server whose data directory is `data_dir`: the directory itself,
/// or, when `CHATDECK_TEST_S3` names an S3-compatible server (the test command starts one for
/// the suite's second run), a prefix of the bucket `chatdeck-tests` there named after the
/// directory, which the replicas of an app share.
pub fn storage(data_dir: &Path) -> server::files::Storage {
    let Ok(endpoint) = std::env::var("CHATDECK_TEST_S3") else {
        return server::files::Storage::DataDir;
    };
    let prefix = data_dir.file_name().unwrap_or_default().to_string_lossy();
    s3_storage(&endpoint, &format!("s3://{S3_BUCKET}/{prefix}"))
}

/// The bucket the test command creates on its S3-compatible server.
pub const S3_BUCKET: &str = "chatdeck-tests";

/// `url` on the S3-compatible server at `endpoint`, as the tests' server accepts it.
pub fn s3_storage(endpoint: &str, url: &str) -> server::files::Storage {
    let options = [
        ("aws_endpoint", endpoint),
        ("aws_allow_http", "true"),
        ("aws_region", "us-east-1"),
        ("aws_access_key_id", "chatdeck-tests"),
        ("aws_secret_access_key", "chatdeck-tests"),
    ];
    server::files::Storage::Object(server::files::ObjectStorage {
        url: url.to_owned(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

/// Whether the tests keep files on an S3-compatible server (see [`storage`]).
pub fn on_object_storage() -> bool {
    std::env::var_os("CHATDECK_TEST_S3").is_some()
}

/// Whether the tests run on PostgreSQL (see [`database_url`]).
pub fn on_postgres() -> bool {
    std::env::var_os("CHATDECK_TEST_POSTGRES").is_some()
}

/// The bearer token the test servers' `/metrics` asks for.
pub const METRICS_TOKEN: &str = "test-metrics-token";

pub async fn spawn_app() -> TestApp {
    start(Arc::new(tempfile::tempdir().expect("temp dir"))).await
}

/// A server whose knowledge settings `adjust` changed from the tests' defaults.
pub async fn spawn_app_with(
    adjust: impl FnOnce(&mut server::knowledge::KnowledgeConfig),
) -> TestApp {
    let mut knowledge = test_knowledge_config();
    adjust(&mut knowledge);
    start_with(
        Arc::new(tempfile::tempdir().expect("temp dir")),
        knowledge,
        Default::default(),
        Default::default(),
    )
    .await
}

/// A server whose chat uses `chat` (a scripted model endpoint, in the chat's tests).
pub async fn spawn_app_with_chat(chat: server::chat::config::ChatConfig) -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    start_with(data_dir, test_knowledge_config(), chat, Default::default()).await
}

/// A server with these public widget quotas.
pub async fn spawn_app_with_widget(widget: server::widget::WidgetConfig) -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    start_with(
        data_dir,
        test_knowledge_config(),
        Default::default(),
        widget,
    )
    .await
}

/// A server on `data_dir`'s database, running until the test ends.
async fn start(data_dir: Arc<TempDir>) -> TestApp {
    start_with(
        data_dir,
        test_knowledge_config(),
        Default::default(),
        Default::default(),
    )
    .await
}

async fn start_with(
    data_dir: Arc<TempDir>,
    knowledge: server::knowledge::KnowledgeConfig,
    chat: server::chat::config::ChatConfig,
    widget: server::widget::WidgetConfig,
) -> TestApp {
    let ops = server::ops::OpsConfig {
        metrics_token: Some(METRICS_TOKEN.into()),
    };
    start_with_ops(data_dir, knowledge, chat, widget, ops).await
}

/// A server whose operations settings are `ops` (the others as `spawn_app`'s).
pub async fn spawn_app_with_ops(ops: server::ops::OpsConfig) -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    start_with_ops(
        data_dir,
        test_knowledge_config(),
        Default::default(),
        Default::default(),
        ops,
    )
    .await
}

async fn start_with_ops(
    data_dir: Arc<TempDir>,
    knowledge: server::knowledge::KnowledgeConfig,
    chat: server::chat::config::ChatConfig,
    widget: server::widget::WidgetConfig,
    ops: server::ops::OpsConfig,
) -> TestApp {
    let files = storage(data_dir.path());
    start_configured(data_dir, knowledge, chat, widget, ops, files).await
}

/// A server whose files are kept in `files` (the others as `spawn_app`'s).
pub async fn spawn_app_on(files: server::files::Storage) -> TestApp {
    let data_dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let ops = server::ops::OpsConfig {
        metrics_token: Some(METRICS_TOKEN.into()),
    };
    let knowledge = test_knowledge_config();
    let (chat, widget) = Default::default();
    start_configured(data_dir, knowledge, chat, widget, ops, files).await
}

async fn start_configured(
    data_dir: Arc<TempDir>,
    knowledge: server::knowledge::KnowledgeConfig,
    chat: server::chat::config::ChatConfig,
    widget: server::widget::WidgetConfig,
    ops: server::ops::OpsConfig,
    files: server::files::Storage,
) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init(Default::default());
    }
    let path: &Path = data_dir.path();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: path.to_owned(),
        database_url: database_url(path).await,
        public_url: None,
        site_root: "target/site".into(),
        backend: None,
        knowledge,
        chat,
        widget,
        ops,
        storage: files,
    };
    let app = Application::build(config).await.expect("app builds");
    let base_url = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let console = app.console();
    let stop = app.stop_handle();
    tokio::spawn(app.run_until_stopped());
    let key = issue_key(&state, "acme").await;
    TestApp {
        client: Client::new(&base_url, &key),
        base_url,
        key,
        http: reqwest::Client::new(),
        state,
        console,
        data_dir,
        stop,
    }
}

pub async fn issue_key(state: &AppState, org: &str) -> String {
    server::orgs::issue_key(&state.store, org)
        .await
        .expect("key issued")
        .key
        .expose()
        .to_owned()
}

impl TestApp {
    /// A second instance of the server on this one's database, as a replica behind a load
    /// balancer would be.
    pub async fn replica(&self) -> TestApp {
        start(self.data_dir.clone()).await
    }

    /// A replica whose public widget quotas are `widget`.
    pub async fn replica_with_widget(&self, widget: server::widget::WidgetConfig) -> TestApp {
        start_with(
            self.data_dir.clone(),
            test_knowledge_config(),
            Default::default(),
            widget,
        )
        .await
    }

    /// Creates a console user in `org` and signs them in; answers the `cookie` header.
    pub async fn session_cookie(&self, org: &str, email: &str) -> String {
        users::create_user(&self.state.store, org, email, "correct horse")
            .await
            .unwrap();
        let token = users::sign_in(&self.state.store, email, "correct horse")
            .await
            .unwrap()
            .unwrap()
            .token;
        format!("chatdeck_session={token}")
    }

    /// The status of the console's List Chatbots server function for `cookie`.
    pub async fn list_status(&self, cookie: &str) -> u16 {
        self.http
            .post(self.url(app::chatbots::server_fns::ListChatbots::PATH))
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// A client for another organization of the same server.
    pub async fn client_for(&self, org: &str) -> Client {
        Client::new(&self.base_url, issue_key(&self.state, org).await)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn create(&self, name: &str) -> Chatbot {
        self.client
            .create_chatbot(&CreateChatbot::named(name))
            .await
            .expect("chatbot created")
            .chatbot
    }

    /// The chatbot as Details shows it, as raw JSON.
    pub async fn details_json(&self, id: &str) -> Value {
        self.http
            .get(self.url(&format!("/api/external/chatbot/{id}")))
            .header("x-api-key", &self.key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sends `body` as-is with this app's key.
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &'static str,
    ) -> (u16, Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .header("x-api-key", &self.key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn versions(&self, id: &str) -> i64 {
        self.state.store.count_versions(id).await.unwrap()
    }
}

/// Asserts an API error with `status` and `code`.
pub fn assert_api_error(
    result: Result<impl std::fmt::Debug, ClientError>,
    status: u16,
    code: &str,
) -> ClientError {
    let error = result.expect_err("the call should fail");
    assert_eq!(error.status(), Some(status), "{error}");
    assert_eq!(error.code(), Some(code), "{error}");
    error
}

/// Asserts a validation error naming `path`.
pub fn assert_field_error(result: Result<impl std::fmt::Debug, ClientError>, path: &str) {
    let error = assert_api_error(result, 400, "validation_failed");
    assert!(
        error.field(path).is_some(),
        "expected a reason for {path}: {error}"
    );
}

/// A minimal valid PNG (1×1).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
