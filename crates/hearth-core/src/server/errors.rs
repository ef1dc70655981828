//! Every refusal as OpenAI sends it: a status, and `{"error": {"message", "type", "param",
//! "code"}}` with a sentence a person can act on.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::engine::EngineError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("No API token was given, or it is not one of this Hearth's. Make one with `hearth serve tokens add NAME` and send it as `Authorization: Bearer TOKEN`.")]
    Unauthorized,
    #[error("This server answers only requests addressed to this computer (Host {0:?} is not one of its names).")]
    ForeignHost(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("The field `{field}` is not supported by Hearth: {why}")]
    Unsupported {
        field: &'static str,
        why: &'static str,
    },
    #[error(
        "The model `{asked}` is not the one Hearth serves; use `{served}` (see GET /v1/models)."
    )]
    UnknownModel { asked: String, served: String },
    #[error("The request is too long for this model: it takes {tokens} tokens and at most {limit} fit with room for the reply.")]
    TooLong { tokens: usize, limit: usize },
    #[error("The request body is larger than {} KiB.", super::BODY_LIMIT / 1024)]
    TooLarge,
    #[error("Hearth is answering {0} requests already; try again in a moment.")]
    Busy(usize),
    #[error("Nothing is served at this address.")]
    NotFound,
    #[error("{0}")]
    Engine(EngineError),
    #[error("The history database failed: {0}")]
    Store(#[from] StoreError),
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::PromptTooLong { tokens, limit } => ApiError::TooLong { tokens, limit },
            EngineError::Sampling(e) => ApiError::BadRequest(e.to_string()),
            e => ApiError::Engine(e),
        }
    }
}

impl ApiError {
    /// The status, OpenAI's error type, the offending parameter and a code.
    fn parts(
        &self,
    ) -> (
        StatusCode,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    ) {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                None,
                Some("invalid_api_key"),
            ),
            ApiError::ForeignHost(_) => (
                StatusCode::FORBIDDEN,
                "invalid_request_error",
                None,
                Some("host_not_allowed"),
            ),
            ApiError::BadRequest(_) => {
                (StatusCode::BAD_REQUEST, "invalid_request_error", None, None)
            }
            ApiError::Unsupported { field, .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                Some(field),
                Some("unsupported_parameter"),
            ),
            ApiError::UnknownModel { .. } => (
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                Some("model"),
                Some("model_not_found"),
            ),
            ApiError::TooLong { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                Some("messages"),
                Some("context_length_exceeded"),
            ),
            ApiError::Busy(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "requests",
                None,
                Some("rate_limit_exceeded"),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                None,
                None,
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "invalid_request_error", None, None),
            ApiError::Engine(_) | ApiError::Store(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                None,
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, param, code) = self.parts();
        let body = json!({
            "error": {"message": self.to_string(), "type": kind, "param": param, "code": code}
        });
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
