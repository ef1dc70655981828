//! The local API: OpenAI's chat completions on this computer, for a person's other tools
//! (scripts, editors) to use Hearth's model. Locked down by default: it listens on the
//! loopback address, every request needs a client's token (`store::api_tokens`) and a Host
//! header naming this computer, it sends no CORS headers (so no web page can read an answer),
//! bodies are limited, and at most `max_requests` requests are in hand at once (more get 429).
//! The command line (`hearth serve`) starts it; requests are counted in Usage as "api" with the
//! client's name.

mod chat;
mod errors;
mod guard;
mod models;
mod stop;
mod wire;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::engine::{Engine, SEQUENCES};
use crate::store::Store;
pub use errors::ApiError;

pub const DEFAULT_PORT: u16 = 8451;
pub const DEFAULT_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The largest request body: a long document in a prompt fits, a flood does not.
pub const BODY_LIMIT: usize = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("The local API could not listen on {address}: {source}. Is another program (or another Hearth) using that port? Choose another with --port.")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("The local API stopped: {0}")]
    Serve(#[source] std::io::Error),
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub address: IpAddr,
    pub port: u16,
    /// Requests in hand at once, answered together; one more is refused with 429.
    pub max_requests: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            address: DEFAULT_ADDRESS,
            port: DEFAULT_PORT,
            max_requests: SEQUENCES,
        }
    }
}

/// What every request's handler shares.
#[derive(Clone)]
struct Shared {
    store: Store,
    engine: Arc<Engine>,
    requests: Arc<Semaphore>,
    max_requests: usize,
    /// The names a request's Host header may give.
    hosts: Arc<Vec<String>>,
    /// The names a request's `model` may give: the model's own, its file's name and stem.
    model_names: Arc<Vec<String>>,
    loaded_at: u64,
}

/// Listens where `config` says (port 0: any free port); the address is the listener's.
pub async fn bind(config: &ServerConfig) -> Result<TcpListener, ServerError> {
    let address = SocketAddr::new(config.address, config.port);
    TcpListener::bind(address)
        .await
        .map_err(|source| ServerError::Bind { address, source })
}

/// Answers requests on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    engine: Arc<Engine>,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let info = engine.info();
    let mut model_names = vec![info.name.clone()];
    for name in [info.path.file_name(), info.path.file_stem()]
        .into_iter()
        .flatten()
    {
        model_names.push(name.to_string_lossy().into_owned());
    }
    let shared = Shared {
        store,
        requests: Arc::new(Semaphore::new(config.max_requests)),
        max_requests: config.max_requests,
        hosts: Arc::new(guard::names_for(config.address)),
        model_names: Arc::new(model_names),
        loaded_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        engine,
    };
    let app = Router::new()
        .route("/v1/models", get(models::list))
        .route("/v1/chat/completions", post(chat::completions))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(shared.clone(), guard::check))
        .with_state(shared);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)
}
