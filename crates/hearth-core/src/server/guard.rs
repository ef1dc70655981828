//! What every request passes before it reaches an endpoint: a Host header naming this
//! computer (a web page on another name that resolves here, DNS rebinding, is refused), and a
//! client's token. The client's name then goes with the request, for the usage records.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::errors::ApiError;
use super::Shared;

/// The client a request came from (its token's name).
#[derive(Debug, Clone)]
pub struct Client(pub String);

pub async fn check(
    State(shared): State<Shared>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !shared.hosts.iter().any(|name| host_name(host) == name) {
        return Err(ApiError::ForeignHost(host.to_string()));
    }
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)?;
    let name = shared
        .store
        .api_client_of(token)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    request.extensions_mut().insert(Client(name));
    Ok(next.run(request).await)
}

/// `host` without its port: `localhost:8451` -> `localhost`, `[::1]:8451` -> `[::1]`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// The names a request may address this server by, listening on `address`.
pub fn names_for(address: std::net::IpAddr) -> Vec<String> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "[::1]".to_string(),
    ];
    if !address.is_unspecified() && !address.is_loopback() {
        names.push(match address {
            std::net::IpAddr::V4(a) => a.to_string(),
            std::net::IpAddr::V6(a) => format!("[{a}]"),
        });
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_not_part_of_the_name() {
        assert_eq!(host_name("localhost:8451"), "localhost");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8451"), "[::1]");
        assert_eq!(host_name("evil.example:8451"), "evil.example");
    }
}
