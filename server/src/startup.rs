//! Builds the application: state, router, listener. `main` and the tests go through here.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, get};
use axum::{Extension, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Config;
use crate::console::{Console, Target};
use crate::error;
use crate::knowledge::service::Knowledge;
use crate::state::{AppState, Services};
use crate::users::sessions::SessionCache;
use crate::widget::limits::RateLimits;
use crate::{chatbots, http, knowledge, openapi, orgs, store};

/// Leptos settings without `LEPTOS_*` variables: cargo-leptos sets them when it runs the
/// server, and they win; a plain `chatdeck serve` from the checkout uses these defaults.
fn leptos_options(config: &Config) -> LeptosOptions {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "chatdeck"))
        .site_root(env(
            "LEPTOS_SITE_ROOT",
            &config.site_root.display().to_string(),
        ))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(config.addr)
        .reload_port(
            env("LEPTOS_RELOAD_PORT", "3001")
                .parse::<u32>()
                .unwrap_or(3001),
        )
        .build()
}

pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)?;
    let store = store::connect(&config.database_url).await?;
    // Console keys die with the memory of the process that minted them and then expire, as
    // it stops renewing them. Other instances on this database still renew theirs.
    let orphans = orgs::delete_expired_console_keys(&store).await?;
    if orphans > 0 {
        tracing::debug!(orphans, "removed expired console keys");
    }
    let files = config.storage.open(&config.data_dir)?;
    let knowledge = Arc::new(Knowledge::new(files.knowledge, config.knowledge.clone()));
    let metrics = Arc::new(crate::ops::Metrics::new());
    Ok(AppState::new(Services {
        knowledge,
        chat: Arc::new(crate::chat::service::Chat::new(
            &config.chat,
            metrics.clone(),
        )),
        metrics,
        leptos_options: leptos_options(&config),
        sessions: Arc::new(SessionCache::new(store.clone())),
        keys: Arc::new(crate::orgs::KeyCache::new(store.clone())),
        limits: spawn_rate_limits(store.clone(), &config.widget),
        store,
        files: files.uploads,
        config: Arc::new(config),
    }))
}

/// The widget's quotas, with a task that forgets idle visitors every minute.
fn spawn_rate_limits(
    store: store::DynStore,
    config: &crate::widget::WidgetConfig,
) -> Arc<RateLimits> {
    let limits = Arc::new(RateLimits::new(store, config));
    let weak = Arc::downgrade(&limits);
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            let Some(limits) = weak.upgrade() else { break };
            if let Err(error) = limits.forget_idle().await {
                tracing::warn!(%error, "could not forget idle rate limits");
            }
        }
    });
    limits
}

/// The okchat API: CORS as okchat answers it, JSON errors for unknown paths and methods.
fn external_api(knowledge: &crate::knowledge::KnowledgeConfig) -> OpenApiRouter<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::OPTIONS,
            Method::PATCH,
            Method::DELETE,
            Method::POST,
            Method::PUT,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("x-api-key"),
        ])
        // A browser client reads the version for its next conditional save from here.
        .expose_headers([header::ETAG]);
    let routes = chatbots::routes::router()
        .merge(knowledge::routes::router(knowledge))
        .merge(crate::conversations::routes::router())
        .merge(crate::chat::routes::router())
        // Not an endpoint: the JSON 404 for every path under the prefix that none matched.
        .route("/api/external/{*rest}", any(error::api_not_found));
    openapi::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(error::method_not_allowed)
            .layer(cors)
    })
}

/// Every route the API serves, with its description: the okchat API and chatdeck's
/// additions, the widget's public routes, the operations endpoints and the description
/// itself. The router and the OpenAPI document come from the same registrations
/// (`OpenApiRouter::split_for_parts`), so neither has a route the other lacks.
pub fn documented_routes(knowledge: &crate::knowledge::KnowledgeConfig) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(external_api(knowledge))
        .merge(crate::widget::routes::router())
        .merge(crate::ops::routes::router())
        .merge(openapi::router())
}

/// The documented routes as axum serves them, with the document for `/api/openapi.json`.
fn api_router(knowledge: &crate::knowledge::KnowledgeConfig) -> Router<AppState> {
    let (router, document) = documented_routes(knowledge).split_for_parts();
    router.layer(Extension(openapi::Document::new(&document)))
}

/// Console pages need a session: without one, a page request is sent to `/login`. Server
/// functions check the session themselves (they answer `Unauthorized`) with the same cache,
/// and the API, assets, uploads and the sign-in page itself are open.
async fn require_session(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let open = [
        "/api/",
        "/pkg/",
        // The embedded widget's own wasm (`app::widget::page::WIDGET_PKG`).
        "/pkg-widget/",
        "/uploads/",
        "/healthz",
        "/readyz",
        "/metrics",
        "/login",
        // The embedded widget: its loader and its page are for visitors, not console users.
        "/widget",
        "/favicon",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix));
    if open || request.method() != Method::GET {
        return next.run(request).await;
    }
    let token = app::backend::session_token_in(request.headers());
    let signed_in = match token {
        Some(token) => match state.sessions.user(&token).await {
            Ok(user) => user.is_some(),
            Err(error) => {
                tracing::error!(%error, "could not check a console session");
                false
            }
        },
        None => false,
    };
    if signed_in {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let next_param = utf8_percent_encode(target, NEXT_PARAM);
    Redirect::to(&format!("/login?next={next_param}")).into_response()
}

/// Everything but unreserved characters and `/` is escaped, so the path survives as one query
/// value (a `?` or `&` in it must not end `next`).
const NEXT_PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The console's routes, listed once per process. Listing them renders the app with every
/// resource load suppressed through one process-wide flag, and a resource whose future first
/// runs while that flag is set never resolves (leptos-rs/leptos#4773): listing again while
/// another server in the process renders a page (the HTTP tests start one per test) left such
/// a page hanging for good.
fn console_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(state: AppState, console: app::backend::Backend) -> Router {
    let routes = console_routes();
    let export = {
        let console = console.clone();
        move |path, query, headers| {
            app::conversations::export::download(console.clone(), path, query, headers)
        }
    };
    let try_page = {
        let console = console.clone();
        move |path, headers| app::embed::try_page::page(console.clone(), path, headers)
    };
    let context = move || provide_context(console.clone());
    Router::new()
        .merge(api_router(&state.config.knowledge))
        .merge(crate::files::routes::router())
        // A download the console streams from the backend: a route, as a server function
        // answering a link's navigation would be redirected back to the page.
        .route("/chatbots/{id}/conversations/export", get(export))
        .route("/chatbots/{id}/embed/try", get(try_page))
        .route("/widget/{id}", get(crate::widget::page::page))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security::headers,
        ))
        .layer(axum::middleware::from_fn(http::nul::refuse_in_address))
        .layer(axum::middleware::from_fn(
            http::request_id::attach_request_id,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::ops::routes::record,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    console: Arc<Console>,
    /// Cancelled when the server starts shutting down (a signal, or `stop_handle`).
    stopping: CancellationToken,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        let state = build_state(config).await?;
        let target = match &state.config.backend {
            Some(remote) => Target::Remote {
                base_url: remote.base_url.clone(),
                api_key: remote.api_key.clone(),
            },
            None => Target::Embedded {
                base_url: loopback_url(listener.local_addr()?),
            },
        };
        let console = Console::new(
            state.store.clone(),
            state.sessions.clone(),
            target,
            state.config.public_url.clone(),
        );
        console.spawn_key_renewal();
        // The instance's workers are named after it, so a lease shows who holds a job.
        let instance = format!("{}-{}", hostname(), uuid::Uuid::new_v4().simple());
        let stopping = CancellationToken::new();
        knowledge::worker::spawn(
            state.store.clone(),
            state.knowledge.clone(),
            state.metrics.clone(),
            stopping.clone(),
            &instance,
        );
        Ok(Self {
            listener,
            router: router(state.clone(), console.clone()),
            state,
            console,
            stopping,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The state the router runs on (tests reach the store through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The console backend the console's server functions use (tests drive it directly).
    pub fn console(&self) -> Arc<Console> {
        self.console.clone()
    }

    /// Cancelling it shuts the server down as SIGTERM does (tests stop an instance with it).
    pub fn stop_handle(&self) -> CancellationToken {
        self.stopping.clone()
    }

    /// Serves until SIGTERM, Ctrl-C or the stop handle: then the knowledge workers hand their
    /// jobs back, no new connection is taken, and requests and streams under way finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stopping = self.stopping.clone();
        let stopped = async move {
            tokio::select! {
                () = shutdown_signal() => stopping.cancel(),
                () = stopping.cancelled() => {}
            }
        };
        // The peer address is the widget's visitor, for its rate limits.
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stopped)
        .await
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "chatdeck".into())
}

/// The URL this server reaches itself at; a wildcard listen address is reached on loopback.
fn loopback_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => std::net::Ipv4Addr::LOCALHOST.into(),
        ip if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            // Without this, a failed listener would end the select below and stop the server.
            tracing::warn!(%error, "cannot listen for Ctrl-C; stop the server with SIGTERM");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
