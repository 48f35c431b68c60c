//! Builds the application: state, router, listener. `main` and the tests go through here.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method};
use axum::routing::{any, get};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error;
use crate::files::LocalFiles;
use crate::state::AppState;
use crate::{chatbots, store};

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
    let files = Arc::new(LocalFiles::new(config.uploads_dir()));
    Ok(AppState {
        leptos_options: leptos_options(&config),
        store,
        files,
        config: Arc::new(config),
    })
}

/// The okchat API: CORS as okchat answers it, JSON errors for unknown paths and methods.
fn api_router() -> Router<AppState> {
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
            header::HeaderName::from_static("x-api-key"),
        ]);
    chatbots::routes::router()
        .route("/api/external/{*rest}", any(error::api_not_found))
        .route("/api/embedfiles", any(error::api_not_found))
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(cors)
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let uploads = Router::new()
        .fallback_service(ServeDir::new(state.config.uploads_dir()))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Upload names are fresh UUIDs: a URL's content never changes.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(api_router())
        .nest_service("/uploads", uploads)
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(axum::middleware::from_fn(error::attach_request_id))
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
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let addr = config.addr;
        let state = build_state(config).await?;
        let listener = TcpListener::bind(addr).await?;
        Ok(Self {
            listener,
            router: router(state.clone()),
            state,
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

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
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
