//! The `chatdeck` command line: `serve` (the default) and `api-key create|list|revoke`.
//! Key commands open the same database file as a running server; SQLite's WAL and busy
//! timeout let both write. The hidden `extract pdf` is the server's own PDF reader process
//! (`knowledge::extract::child`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::chat::config::{ChatConfig, OpenAiConfig, ProviderLimits};
use crate::config::{Config, RemoteBackend};
use crate::files::{ObjectStorage, Storage};
use crate::knowledge::extract::child::{self, PdfArgs};
use crate::knowledge::{EmbeddingsConfig, KnowledgeConfig};
use crate::startup::Application;
use crate::{orgs, store, users};

#[derive(Debug, Parser)]
#[command(
    name = "chatdeck",
    version,
    about = "A self-hostable, okchat-compatible chatbot platform"
)]
pub struct Cli {
    #[command(flatten)]
    pub data: DataArgs,
    /// Log lines as text, or as one JSON object each for a log collector.
    #[arg(
        long,
        env = "CHATDECK_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: crate::telemetry::LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// Directory for the database and uploaded files.
    #[arg(
        long,
        env = "CHATDECK_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL; defaults to a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl DataArgs {
    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| Config::default_database_url(&self.data_dir))
    }

    async fn store(&self) -> anyhow::Result<store::DynStore> {
        std::fs::create_dir_all(&self.data_dir)?;
        store::connect(&self.database_url()).await
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default command).
    Serve(Box<ServeArgs>),
    /// Manage API keys.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Manage console users.
    #[command(subcommand)]
    User(UserCommand),
    /// Read a document in a process of its own (the server runs this; not for people).
    #[command(subcommand, hide = true)]
    Extract(ExtractCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExtractCommand {
    /// The PDF on standard input, as JSON on standard output.
    Pdf(PdfArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a console user in an organization (created if needed).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Read the password from standard input (first line), never from the command line.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:3000, or LEPTOS_SITE_ADDR].
    #[arg(long, env = "CHATDECK_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Public base URL of this server, for absolute upload URLs.
    #[arg(long, env = "CHATDECK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Directory of the console's compiled assets [default: target/site, else the `site`
    /// folder beside the binary's own, as `scripts/build-site.sh` lays them out].
    #[arg(long, env = "CHATDECK_SITE_ROOT", default_value = DEFAULT_SITE_ROOT)]
    pub site_root: PathBuf,
    /// Manage a remote okchat-compatible API from the console instead of this server's own.
    #[arg(long, env = "CHATDECK_BACKEND_URL", requires = "backend_api_key")]
    pub backend_url: Option<String>,
    /// The API key for `--backend-url`.
    #[arg(
        long,
        env = "CHATDECK_BACKEND_API_KEY",
        requires = "backend_url",
        hide_env_values = true
    )]
    pub backend_api_key: Option<String>,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
    #[command(flatten)]
    pub chat: ChatArgs,
    #[command(flatten)]
    pub widget: WidgetArgs,
    /// The bearer token `/metrics` asks for; without one `/metrics` is not served.
    #[arg(long, env = "CHATDECK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Keep uploads and knowledge originals in an S3-compatible bucket (`s3://bucket/prefix`)
    /// instead of the data directory; its endpoint and credentials come from the usual AWS_*
    /// variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
    #[arg(long, env = "CHATDECK_OBJECT_STORE_URL")]
    pub object_store_url: Option<String>,
}

/// Public widget traffic.
#[derive(Debug, Args)]
pub struct WidgetArgs {
    /// Chat messages one visitor address may send one bot per minute [default: 20].
    #[arg(long, env = "CHATDECK_WIDGET_VISITOR_PER_MINUTE")]
    pub widget_visitor_per_minute: Option<u32>,
    /// Chat messages one bot answers on its public routes per hour [default: 1000].
    #[arg(long, env = "CHATDECK_WIDGET_BOT_PER_HOUR")]
    pub widget_bot_per_hour: Option<u32>,
    /// Take the visitor's address from X-Forwarded-For: `true` behind one proxy that appends to
    /// it, the number of such proxies behind several (a CDN and a load balancer: 2).
    #[arg(long, env = "CHATDECK_TRUST_PROXY", value_parser = trusted_proxies, default_value = "false")]
    pub trust_proxy: u8,
}

/// `CHATDECK_TRUST_PROXY`: a yes or no (one proxy or none), or how many proxies.
fn trusted_proxies(value: &str) -> Result<u8, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "false" | "no" | "off" | "n" | "f" | "" => Ok(0),
        "true" | "yes" | "on" | "y" | "t" => Ok(1),
        count => count.parse().map_err(|_| {
            format!("`{value}` is neither true nor false nor a number of proxies (0 to 255)")
        }),
    }
}

impl WidgetArgs {
    fn config(&self) -> crate::widget::WidgetConfig {
        let defaults = crate::widget::WidgetConfig::default();
        crate::widget::WidgetConfig {
            visitor_messages_per_minute: self
                .widget_visitor_per_minute
                .unwrap_or(defaults.visitor_messages_per_minute),
            bot_messages_per_hour: self
                .widget_bot_per_hour
                .unwrap_or(defaults.bot_messages_per_hour),
            trusted_proxies: self.trust_proxy,
        }
    }
}

/// The chat's model endpoint and its limits. Without an endpoint, bots answer with the
/// built-in provider (or OpenAI's API, for a bot with its own key).
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// An OpenAI-compatible API base for every bot, e.g. https://api.openai.com/v1 or
    /// http://localhost:11434/v1.
    #[arg(long, env = "CHATDECK_CHAT_BASE_URL")]
    pub chat_base_url: Option<String>,
    /// The key for `--chat-base-url` (none for endpoints that need none).
    #[arg(long, env = "CHATDECK_CHAT_API_KEY", hide_env_values = true)]
    pub chat_api_key: Option<String>,
    /// A model every bot uses there, instead of each bot's `settings.model`.
    #[arg(long, env = "CHATDECK_CHAT_MODEL")]
    pub chat_model: Option<String>,
    /// Seconds to open a connection to the endpoint [default: 10].
    #[arg(long, env = "CHATDECK_CHAT_CONNECT_TIMEOUT_SECS")]
    pub chat_connect_timeout_secs: Option<u64>,
    /// Seconds from a request to its answer's first byte [default: 60].
    #[arg(long, env = "CHATDECK_CHAT_FIRST_BYTE_TIMEOUT_SECS")]
    pub chat_first_byte_timeout_secs: Option<u64>,
    /// Seconds an answer may pause between two pieces [default: 30].
    #[arg(long, env = "CHATDECK_CHAT_IDLE_TIMEOUT_SECS")]
    pub chat_idle_timeout_secs: Option<u64>,
    /// Tries before an answer's first token, the first included [default: 3].
    #[arg(long, env = "CHATDECK_CHAT_MAX_ATTEMPTS", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub chat_max_attempts: Option<u32>,
    /// Longest wait between two tries, whatever Retry-After asks, in seconds [default: 10].
    #[arg(long, env = "CHATDECK_CHAT_MAX_RETRY_WAIT_SECS")]
    pub chat_max_retry_wait_secs: Option<u64>,
}

impl ChatArgs {
    fn config(self) -> ChatConfig {
        let mut limits = ProviderLimits::default();
        let secs = std::time::Duration::from_secs;
        if let Some(s) = self.chat_connect_timeout_secs {
            limits.connect = secs(s);
        }
        if let Some(s) = self.chat_first_byte_timeout_secs {
            limits.first_byte = secs(s);
        }
        if let Some(s) = self.chat_idle_timeout_secs {
            limits.idle = secs(s);
        }
        if let Some(n) = self.chat_max_attempts {
            limits.max_attempts = n;
        }
        if let Some(s) = self.chat_max_retry_wait_secs {
            limits.max_retry_wait = secs(s);
        }
        ChatConfig {
            openai: self.chat_base_url.map(|base_url| OpenAiConfig {
                base_url,
                api_key: self.chat_api_key.map(Into::into),
                model: self.chat_model,
            }),
            limits,
        }
    }
}

/// Ingestion and retrieval settings; the defaults suit a single small server.
#[derive(Debug, Args)]
pub struct KnowledgeArgs {
    /// Largest file in a knowledge upload, in bytes [default: 20 MiB].
    #[arg(long, env = "CHATDECK_UPLOAD_MAX_FILE_BYTES")]
    pub upload_max_file_bytes: Option<usize>,
    /// Largest knowledge upload request in all, in bytes [default: 100 MiB].
    #[arg(long, env = "CHATDECK_UPLOAD_MAX_REQUEST_BYTES")]
    pub upload_max_request_bytes: Option<usize>,
    /// Largest chunk, in characters [default: 1000].
    #[arg(long, env = "CHATDECK_CHUNK_SIZE")]
    pub chunk_size: Option<usize>,
    /// Characters neighbouring chunks share [default: 150].
    #[arg(long, env = "CHATDECK_CHUNK_OVERLAP")]
    pub chunk_overlap: Option<usize>,
    /// Let "Add from URL" fetch private, loopback and link-local addresses (tests, intranets).
    #[arg(long, env = "CHATDECK_FETCH_ALLOW_PRIVATE", value_parser = clap::builder::BoolishValueParser::new(), default_value = "false")]
    pub fetch_allow_private: bool,
    /// Seconds a claimed ingestion job stays its worker's without renewal [default: 60].
    #[arg(long, env = "CHATDECK_JOB_LEASE_SECS")]
    pub job_lease_secs: Option<u64>,
    /// An OpenAI-compatible API base for embeddings (hybrid ranking), e.g. https://api.openai.com/v1.
    #[arg(long, env = "CHATDECK_EMBEDDINGS_URL", requires_all = ["embeddings_api_key", "embeddings_model"])]
    pub embeddings_url: Option<String>,
    #[arg(long, env = "CHATDECK_EMBEDDINGS_API_KEY", hide_env_values = true)]
    pub embeddings_api_key: Option<String>,
    #[arg(long, env = "CHATDECK_EMBEDDINGS_MODEL")]
    pub embeddings_model: Option<String>,
}

impl KnowledgeArgs {
    fn config(self) -> anyhow::Result<KnowledgeConfig> {
        let mut config = KnowledgeConfig::default();
        if let Some(bytes) = self.upload_max_file_bytes {
            config.max_file_bytes = bytes;
        }
        if let Some(bytes) = self.upload_max_request_bytes {
            config.max_request_bytes = bytes;
        }
        if let Some(size) = self.chunk_size {
            anyhow::ensure!(
                size >= 100,
                "CHATDECK_CHUNK_SIZE must be at least 100 characters"
            );
            config.chunk.max_chars = size;
        }
        if let Some(overlap) = self.chunk_overlap {
            config.chunk.overlap_chars = overlap;
        }
        anyhow::ensure!(
            config.chunk.overlap_chars < config.chunk.max_chars,
            "CHATDECK_CHUNK_OVERLAP must be smaller than CHATDECK_CHUNK_SIZE"
        );
        config.fetch.allow_private = self.fetch_allow_private;
        if let Some(secs) = self.job_lease_secs {
            anyhow::ensure!(secs >= 3, "CHATDECK_JOB_LEASE_SECS must be at least 3");
            config.lease = std::time::Duration::from_secs(secs);
        }
        config.embeddings = match (
            self.embeddings_url,
            self.embeddings_api_key,
            self.embeddings_model,
        ) {
            (Some(base_url), Some(api_key), Some(model)) => Some(EmbeddingsConfig {
                base_url,
                api_key: api_key.into(),
                model,
            }),
            _ => None,
        };
        Ok(config)
    }
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Issue a key for an organization (created if needed); the key is printed once, alone
    /// on the last line.
    Create {
        #[arg(long)]
        org: String,
    },
    /// List keys (never the keys themselves).
    List {
        #[arg(long)]
        org: Option<String>,
    },
    /// Revoke a key by its id or its 8-character prefix.
    Revoke { id_or_prefix: String },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => {
            // `chatdeck` alone is `chatdeck serve`, with its flags' environment variables.
            let Some(Command::Serve(args)) = Cli::try_parse_from(["chatdeck", "serve"])?.command
            else {
                unreachable!("`serve` parses as the serve command")
            };
            serve(&cli.data, *args).await
        }
        Some(Command::Serve(args)) => serve(&cli.data, *args).await,
        Some(Command::ApiKey(command)) => api_key(&cli.data, command).await,
        Some(Command::User(command)) => user(&cli.data, command).await,
        // `main` runs the reader without a runtime; here it is only for completeness.
        Some(Command::Extract(ExtractCommand::Pdf(args))) => Ok(child::serve_pdf(&args)?),
    }
}

const DEFAULT_SITE_ROOT: &str = "target/site";

/// The console's assets: the directory given, or for the default when the working directory
/// has none (the binary started from elsewhere), the build's own beside the binary
/// (`target/release/chatdeck` → `target/site`): otherwise every page, `/widget.js` and the
/// wasm would be `404`.
fn site_root(given: PathBuf, binary: Option<PathBuf>) -> PathBuf {
    if given != Path::new(DEFAULT_SITE_ROOT) || given.is_dir() {
        return given;
    }
    let beside = binary.and_then(|exe| Some(exe.parent()?.parent()?.join("site")));
    match beside {
        Some(built) if built.is_dir() => built,
        _ => {
            tracing::warn!(
                "no console assets in {DEFAULT_SITE_ROOT} or beside the binary: pages and \
                 /widget.js will be 404 (build them with scripts/build-site.sh, or pass \
                 --site-root)"
            );
            given
        }
    }
}

async fn serve(data: &DataArgs, args: ServeArgs) -> anyhow::Result<()> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => std::env::var("LEPTOS_SITE_ADDR")
            .ok()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
    };
    let config = Config {
        addr,
        data_dir: data.data_dir.clone(),
        database_url: data.database_url(),
        public_url: args.public_url,
        site_root: site_root(args.site_root, std::env::current_exe().ok()),
        backend: args
            .backend_url
            .zip(args.backend_api_key)
            .map(|(base_url, api_key)| RemoteBackend {
                base_url,
                api_key: api_key.into(),
            }),
        knowledge: args.knowledge.config()?,
        chat: args.chat.config(),
        widget: args.widget.config(),
        ops: crate::ops::OpsConfig {
            metrics_token: args.metrics_token.map(Into::into),
        },
        storage: match args.object_store_url {
            Some(url) => Storage::Object(ObjectStorage::from_env(url)),
            None => Storage::DataDir,
        },
    };
    let data_dir = config.data_dir.clone();
    let app = Application::build(config).await?;
    tracing::info!(
        "chatdeck listening on http://{} (data in {})",
        app.local_addr(),
        data_dir.display()
    );
    app.run_until_stopped().await?;
    Ok(())
}

async fn api_key(data: &DataArgs, command: ApiKeyCommand) -> anyhow::Result<()> {
    let store = data.store().await?;
    match command {
        ApiKeyCommand::Create { org } => {
            let issued = orgs::issue_key(&store, &org).await?;
            println!(
                "Created API key {} for organization {:?} ({}).",
                issued.info.id, issued.info.organization_name, issued.info.organization_id
            );
            println!("Store it now: it is shown only once. Send it as the x-api-key header.");
            println!("{}", issued.key.expose());
        }
        ApiKeyCommand::List { org } => {
            let keys = store.list_api_keys(org.as_deref()).await?;
            println!(
                "{:<36}  {:<8}  {:<20}  {:<32}  STATUS",
                "ID", "PREFIX", "ORGANIZATION", "CREATED"
            );
            for key in keys {
                let status = match &key.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "active".into(),
                };
                println!(
                    "{:<36}  {:<8}  {:<20}  {:<32}  {status}",
                    key.id, key.prefix, key.organization_name, key.created_at
                );
            }
        }
        ApiKeyCommand::Revoke { id_or_prefix } => {
            let key = orgs::revoke_key(&store, &id_or_prefix).await?;
            println!(
                "Revoked API key {} ({}…) of organization {:?}.",
                key.id, key.prefix, key.organization_name
            );
        }
    }
    Ok(())
}

async fn user(data: &DataArgs, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create { org, email, .. } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            let store = data.store().await?;
            let user = users::create_user(&store, &org, &email, password).await?;
            println!(
                "Created console user {} in organization {:?}. Sign in at /login.",
                user.email, user.organization_name
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_site_root_falls_back_to_the_build_beside_the_binary() {
        // The tests run in `server/`, which has no `target/site` of its own.
        assert!(!Path::new(DEFAULT_SITE_ROOT).is_dir());
        let build = tempfile::tempdir().unwrap();
        let binary = build.path().join("release").join("chatdeck");
        assert_eq!(
            site_root(DEFAULT_SITE_ROOT.into(), Some(binary.clone())),
            PathBuf::from(DEFAULT_SITE_ROOT),
            "no site beside the binary either: the default stays"
        );
        std::fs::create_dir(build.path().join("site")).unwrap();
        assert_eq!(
            site_root(DEFAULT_SITE_ROOT.into(), Some(binary.clone())),
            build.path().join("site")
        );
        // A directory the operator named is theirs, found or not.
        assert_eq!(
            site_root("/srv/chatdeck/site".into(), Some(binary)),
            PathBuf::from("/srv/chatdeck/site")
        );
    }

    #[test]
    fn trust_proxy_takes_a_yes_or_no_or_a_number_of_proxies() {
        let proxies = |value: &str| {
            let cli = Cli::try_parse_from(["chatdeck", "serve", "--trust-proxy", value])
                .map_err(|e| e.to_string())?;
            match cli.command {
                Some(Command::Serve(serve)) => Ok(serve.widget.config().trusted_proxies),
                _ => Err("not serve".to_owned()),
            }
        };
        assert_eq!(proxies("false"), Ok(0));
        assert_eq!(proxies("true"), Ok(1));
        assert_eq!(proxies("1"), Ok(1));
        assert_eq!(proxies("2"), Ok(2));
        let refused = proxies("several").unwrap_err();
        assert!(refused.contains("number of proxies"), "{refused}");
    }
}
