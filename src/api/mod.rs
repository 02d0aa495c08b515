//! The JSON API under `/api/v1`: each handler extracts the caller and the request, calls
//! one operation (`crate::ops`), and answers JSON. Refusals are problem+json with a
//! stable code. The OpenAPI document is assembled in `crate::openapi`.

pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod contact_requests;
pub mod conversations;
pub mod enterprises;
pub mod exchanges;
pub mod health;
pub mod json;
pub mod library;
pub mod listings;
pub mod matches;
pub mod poles;
pub mod reference;
pub mod reports;
pub mod visits;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};

use crate::domain::Invalid;
use crate::error::{AppError, Problem, PROBLEM_JSON};

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(accounts::register))
        .route("/auth/login", web::post().to(accounts::login))
        .route("/auth/logout", web::post().to(accounts::logout))
        .route(
            "/auth/password-reset",
            web::post().to(accounts::request_password_reset),
        )
        .route(
            "/auth/password-reset/confirm",
            web::post().to(accounts::confirm_password_reset),
        )
        .route("/auth/verify-email", web::post().to(accounts::verify_email))
        .service(
            web::resource("/alerts")
                .route(web::get().to(alerts::list))
                .route(web::post().to(alerts::create)),
        )
        .route("/alerts/{id}", web::delete().to(alerts::delete))
        .service(
            web::resource("/me")
                .route(web::get().to(accounts::me))
                .route(web::patch().to(accounts::update_me)),
        )
        .service(
            web::resource("/poles")
                .route(web::get().to(poles::list))
                .route(web::post().to(poles::create)),
        )
        .route("/poles/{slug}", web::get().to(poles::show))
        .route(
            "/poles/{slug}/coordinators",
            web::post().to(poles::appoint_coordinator),
        )
        .route(
            "/poles/{slug}/members/{enterprise_id}/approve",
            web::post().to(enterprises::approve),
        )
        .service(
            web::resource("/enterprises")
                .route(web::get().to(enterprises::list))
                .route(web::post().to(enterprises::create)),
        )
        .service(
            web::resource("/enterprises/{id}")
                .route(web::get().to(enterprises::show))
                .route(web::patch().to(enterprises::update)),
        )
        .route(
            "/enterprises/{id}/memberships",
            web::post().to(enterprises::join),
        )
        .service(
            web::resource("/listings")
                .route(web::get().to(listings::search))
                .route(web::post().to(listings::create)),
        )
        .service(
            web::resource("/listings/{id}")
                .route(web::get().to(listings::show))
                .route(web::patch().to(listings::update)),
        )
        .route("/listings/{id}/publish", web::post().to(listings::publish))
        .route("/listings/{id}/close", web::post().to(listings::close))
        .route("/listings/{id}/matches", web::get().to(matches::of_listing))
        .service(
            web::resource("/listings/{id}/proposals")
                .route(web::get().to(matches::proposals_of))
                .route(web::post().to(matches::propose)),
        )
        .service(
            web::resource("/listings/{id}/contact-requests")
                .route(web::get().to(contact_requests::of_listing))
                .route(web::post().to(contact_requests::create)),
        )
        .route(
            "/contact-requests/{id}/accept",
            web::post().to(contact_requests::accept),
        )
        .route(
            "/contact-requests/{id}/decline",
            web::post().to(contact_requests::decline),
        )
        .service(
            web::resource("/visits")
                .route(web::get().to(visits::list))
                .route(web::post().to(visits::create)),
        )
        .service(
            web::resource("/visits/{id}")
                .route(web::get().to(visits::show))
                .route(web::patch().to(visits::update)),
        )
        .route("/visits/{id}/cancel", web::post().to(visits::cancel))
        .route(
            "/visits/{id}/registrations.csv",
            web::get().to(visits::registrations_csv),
        )
        .service(
            web::resource("/visits/{id}/registrations")
                .route(web::get().to(visits::registrations))
                .route(web::post().to(visits::register)),
        )
        .route(
            "/visits/{id}/registrations/{registration_id}",
            web::delete().to(visits::unregister),
        )
        .route(
            "/visits/{id}/attendance",
            web::post().to(visits::attendance),
        )
        .route("/visits/{id}/report", web::post().to(visits::report))
        .service(
            web::resource("/resources")
                .route(web::get().to(library::search))
                .route(web::post().to(library::create)),
        )
        .route("/resources/{id}", web::get().to(library::show))
        .route(
            "/resources/{id}/attachments",
            web::post().to(library::attach),
        )
        .service(
            web::resource("/listings/{id}/resources")
                .route(web::get().to(library::of_listing))
                .route(web::put().to(library::link_listing)),
        )
        .route("/conversations", web::get().to(conversations::list))
        .route("/conversations/{id}", web::get().to(conversations::show))
        .service(
            web::resource("/conversations/{id}/messages")
                .route(web::get().to(conversations::messages))
                .route(web::post().to(conversations::post)),
        )
        .route(
            "/conversations/{id}/read",
            web::post().to(conversations::read),
        )
        .service(
            web::resource("/listings/{id}/attachments")
                .route(web::get().to(conversations::of_listing))
                .route(web::post().to(conversations::attach_to_listing)),
        )
        .route(
            "/exchanges/{id}/attachments",
            web::post().to(conversations::attach_to_exchange),
        )
        .route("/attachments/{id}", web::get().to(conversations::download))
        .route("/matches", web::get().to(matches::mine))
        .route("/matches/{id}/accept", web::post().to(matches::accept))
        .route("/matches/{id}/decline", web::post().to(matches::decline))
        .route(
            "/proposals/{id}/accept",
            web::post().to(matches::accept_proposal),
        )
        .route(
            "/proposals/{id}/decline",
            web::post().to(matches::decline_proposal),
        )
        .service(
            web::resource("/exchanges")
                .route(web::get().to(exchanges::list))
                .route(web::post().to(exchanges::create)),
        )
        .route("/exchanges/{id}", web::get().to(exchanges::show))
        .route(
            "/exchanges/{id}/transition",
            web::post().to(exchanges::transition),
        )
        .route(
            "/exchanges/{id}/impact",
            web::put().to(exchanges::set_impact),
        )
        .service(
            web::resource("/exchanges/{id}/transactions")
                .route(web::get().to(exchanges::transactions))
                .route(web::post().to(exchanges::record_transaction)),
        )
        .route(
            "/transactions/{id}/reverse",
            web::post().to(exchanges::reverse),
        )
        .route("/reports/flows", web::get().to(reports::flows))
        .route("/reports/poles/{slug}", web::get().to(reports::pole_report))
        .route(
            "/reports/transactions.csv",
            web::get().to(reports::transactions_csv),
        )
        .route("/admin/outbox/dead", web::get().to(admin::dead_messages))
        .route(
            "/admin/outbox/{id}/retry",
            web::post().to(admin::retry_dead),
        )
        .route("/reference/communes", web::get().to(reference::communes))
        .route("/reference/naf", web::get().to(reference::naf))
        .route("/reference/ewc", web::get().to(reference::ewc))
        .route(
            "/reference/departements",
            web::get().to(reference::departements),
        )
        .route("/reference/regions", web::get().to(reference::regions));
}

/// Serde's words for a query parameter it does not know: "unknown field `epci`, expected …".
fn unknown_parameter(message: &str) -> Option<String> {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(String::from)
}

/// Query and path extractors answer problem+json too: an unknown query parameter is a 422
/// naming it, a malformed query a 400, a path that does not parse (`/listings/abc`) 404.
pub fn extractor_config(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|error, _| {
        let message = error.to_string();
        match message
            .split_once(": ")
            .and_then(|(_, detail)| unknown_parameter(detail))
            .or_else(|| unknown_parameter(&message))
        {
            Some(name) => AppError::invalid_field(&name, Invalid::new("unknown_field")).into(),
            None => AppError::bad_request("invalid_query").into(),
        }
    }))
    .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()));
}

pub async fn api_not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Turns any error answer under `/api` that is not problem+json yet (405 from the router,
/// framework errors) into one, so clients only ever parse one error format.
pub fn problem_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        let is_problem = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        // A documented path asked with another method: 405 with the methods it takes
        // (RFC 9110 §15.5.6), whether the router said 404 or 405.
        let status = response.status();
        let wrong_method = matches!(status.as_u16(), 404 | 405)
            && !(is_problem
                && status.as_u16() == 404
                && response.request().match_pattern().is_some());
        if wrong_method {
            let allowed =
                crate::openapi::allowed_methods(response.request().path()).filter(|methods| {
                    !methods.contains(&response.request().method().as_str().to_string())
                });
            if let Some(allowed) = allowed {
                let (request, _) = response.into_parts();
                let problem = Problem {
                    kind: "about:blank".into(),
                    title: "Method Not Allowed".into(),
                    status: 405,
                    code: "method_not_allowed".into(),
                    detail: None,
                    errors: Vec::new(),
                };
                let body = HttpResponse::MethodNotAllowed()
                    .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
                    .insert_header((header::ALLOW, allowed.join(", ")))
                    .body(serde_json::to_string(&problem).unwrap_or_default());
                return Ok(ErrorHandlerResponse::Response(
                    ServiceResponse::new(request, body).map_into_right_body(),
                ));
            }
        }
        if is_problem {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let error = match status.as_u16() {
            400 => AppError::bad_request("malformed_request"),
            401 => AppError::Unauthorized,
            403 => AppError::forbidden("forbidden"),
            404 => AppError::NotFound,
            413 => AppError::PayloadTooLarge,
            415 => AppError::UnsupportedMediaType,
            _ => {
                let (request, _) = response.into_parts();
                let problem = Problem {
                    kind: "about:blank".into(),
                    title: status.canonical_reason().unwrap_or("Error").into(),
                    status: status.as_u16(),
                    code: if status.as_u16() == 405 {
                        "method_not_allowed".into()
                    } else {
                        "http_error".into()
                    },
                    detail: None,
                    errors: Vec::new(),
                };
                let body = HttpResponse::build(status)
                    .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
                    .body(serde_json::to_string(&problem).unwrap_or_default());
                return Ok(ErrorHandlerResponse::Response(
                    ServiceResponse::new(request, body).map_into_right_body(),
                ));
            }
        };
        let (request, _) = response.into_parts();
        let body: HttpResponse<BoxBody> = error.error_response();
        let response: ServiceResponse<EitherBody<B, BoxBody>> =
            ServiceResponse::new(request, body).map_into_right_body();
        Ok(ErrorHandlerResponse::Response(response))
    })
}
