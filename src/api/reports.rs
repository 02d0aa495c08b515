//! Reports for coordinators and admins: inter-pôle flows and net balances, a pôle's
//! activity, and the CSV export of transactions. Every total is computed by PostgreSQL in
//! NUMERIC.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{AppResult, Problem};
use crate::ops::reports::{self, CsvFormat, ReportQuery as Filters};
use crate::state::{AppState, ReadAfter};
use crate::views::reports::{FlowReport, PoleReport};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day, inclusive (YYYY-MM-DD, a Paris date).
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub from: Option<String>,
    /// Last day, inclusive (YYYY-MM-DD, a Paris date).
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub to: Option<String>,
    #[param(pattern = "^(local_resource|know_how|business_takeover|relocated_production)$")]
    pub category: Option<String>,
    /// CSV only: `excel-fr` for French spreadsheets (`;`, decimal comma, BOM).
    #[param(pattern = "^(rfc4180|excel-fr)$")]
    pub format: Option<String>,
}

impl ReportQuery {
    fn filters(&self) -> Filters {
        Filters {
            from: self.from.clone(),
            to: self.to.clone(),
            category: self.category.clone(),
        }
    }
}

/// The inter-pôle matrix: exchanges and amount HT, provider pôle × beneficiary pôle, and
/// each pôle's net balance. Coordinators see the flows that involve their pôles.
#[utoipa::path(get, path = "/api/v1/reports/flows", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses(
        (status = 200, body = FlowReport),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`coordinators_only`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn flows(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let filters = query.filters();
    let report = state
        .read(read_after, move |conn, _| {
            reports::flows(conn, &caller, &filters)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// A pôle's activity, impact and balance over the period (its coordinators and admins).
#[utoipa::path(get, path = "/api/v1/reports/poles/{slug}", tag = "reports", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The pôle's slug"), ReportQuery),
    responses(
        (status = 200, body = PoleReport),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_pole_coordinator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pole_report(
    state: web::Data<AppState>,
    caller: Caller,
    slug: web::Path<String>,
    query: web::Query<ReportQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let filters = query.filters();
    let slug = slug.into_inner();
    let report = state
        .read(read_after, move |conn, env| {
            reports::pole_report(conn, &caller, &slug, &filters, env.clock.now())
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// One row per transaction, RFC 4180, UTF-8; `?format=excel-fr` for French spreadsheets.
#[utoipa::path(get, path = "/api/v1/reports/transactions.csv", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses(
        (status = 200, description = "CSV, one row per transaction", content_type = "text/csv"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`coordinators_only`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transactions_csv(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let format = CsvFormat::parse(query.format.as_deref())?;
    let filters = query.filters();
    let body = state
        .read(read_after, move |conn, _| {
            reports::transactions_csv(conn, &caller, &filters, format)
        })
        .await?;
    Ok(crate::http::csv_download(body))
}
