//! Reports for coordinators and admins: inter-pôle flows, a pôle's activity, and the CSV
//! export of transactions. Every total is computed by PostgreSQL in NUMERIC.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::CurrentAccount;
use super::AppState;
use crate::db;
use crate::domain::decimal::ExactDecimal;
use crate::domain::listing::Category;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::ledger::{self, ReportFilter};
use crate::models::pole;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day, inclusive (YYYY-MM-DD).
    pub from: Option<String>,
    /// Last day, inclusive (YYYY-MM-DD).
    pub to: Option<String>,
    pub category: Option<String>,
    /// CSV only: `excel-fr` for French spreadsheets (`;`, decimal comma, BOM).
    pub format: Option<String>,
}

fn parse_filter(query: &ReportQuery) -> AppResult<ReportFilter> {
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .and_then(|text| match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.add(
                        field,
                        Invalid::new("invalid_date", "Dates are written YYYY-MM-DD."),
                    );
                    None
                }
            })
    };
    let from = date("from", &query.from);
    let to = date("to", &query.to);
    let category = match &query.category {
        Some(text) => {
            match serde_json::from_value::<Category>(serde_json::Value::String(text.clone())) {
                Ok(category) => Some(category.as_str().to_string()),
                Err(_) => {
                    errors.add(
                        "category",
                        Invalid::new("invalid_value", "Unknown category."),
                    );
                    None
                }
            }
        }
        None => None,
    };
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            errors.add(
                "to",
                Invalid::new("dates_order", "`to` comes after `from`."),
            );
        }
    }
    errors.finish()?;
    Ok(ReportFilter {
        from,
        to,
        category,
        poles: None,
    })
}

/// Admins see every pôle; coordinators the pôles they coordinate; others nothing.
fn scope(
    conn: &mut diesel::PgConnection,
    caller: &CurrentAccount,
    filter: &mut ReportFilter,
) -> AppResult<()> {
    if caller.is_admin() {
        return Ok(());
    }
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    if coordinated.is_empty() {
        return Err(AppError::Forbidden(
            "Reports are for pôle coordinators and admins.",
        ));
    }
    filter.poles = Some(coordinated.iter().map(|p| p.0).collect());
    Ok(())
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FlowView {
    /// Slug of the provider's pôle.
    pub provider_pole: Option<String>,
    pub beneficiary_pole: Option<String>,
    pub exchanges: i64,
    /// Sum of the transactions, excluding tax.
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FlowReport {
    pub items: Vec<FlowView>,
    #[schema(value_type = String, example = "1234.50")]
    pub total_amount: ExactDecimal,
}

/// The inter-pôle matrix: exchanges and amount excluding tax, provider pôle × beneficiary
/// pôle. Coordinators see the flows that involve their pôles.
#[utoipa::path(get, path = "/api/v1/reports/flows", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses(
        (status = 200, body = FlowReport),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn flows(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    query: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let mut filter = parse_filter(&query)?;
    let report = db::run(&state.pool, move |conn| {
        scope(conn, &caller, &mut filter)?;
        let rows = ledger::flows(conn, &filter)?;
        let total: Decimal = rows.iter().map(|r| r.amount).sum();
        Ok(FlowReport {
            items: rows
                .into_iter()
                .map(|r| FlowView {
                    provider_pole: r.provider_pole,
                    beneficiary_pole: r.beneficiary_pole,
                    exchanges: r.exchanges,
                    amount: ExactDecimal(r.amount),
                })
                .collect(),
            total_amount: ExactDecimal(total),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CountView {
    pub key: String,
    pub count: i64,
    #[schema(value_type = String)]
    pub amount: ExactDecimal,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PoleReport {
    pub pole: String,
    /// By `category:kind`.
    pub listings: Vec<CountView>,
    /// By status: proposed, accepted, declined, withdrawn.
    pub matches: Vec<CountView>,
    /// By status, with the sum of their agreed totals.
    pub exchanges: Vec<CountView>,
    /// Transactions by month (YYYY-MM), amount excluding tax.
    pub volume_by_month: Vec<CountView>,
    /// jobs_created, jobs_kept, tonnes_diverted, km_avoided.
    pub impact: Vec<CountView>,
}

/// A pôle's activity and impact over the period (its coordinators and admins).
#[utoipa::path(get, path = "/api/v1/reports/poles/{slug}", tag = "reports", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The pôle's slug"), ReportQuery),
    responses(
        (status = 200, body = PoleReport),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pole_report(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    slug: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let filter = parse_filter(&query)?;
    let slug = slug.into_inner();
    let report = db::run(&state.pool, move |conn| {
        let found = pole::find_by_slug(conn, &slug)?;
        if !caller.is_admin() && !pole::is_coordinator(conn, found.id, caller.id())? {
            return Err(AppError::Forbidden(
                "A pôle's report is for its coordinators and admins.",
            ));
        }
        let rows = ledger::pole_activity(conn, found.id, &filter)?;
        let section = |name: &str| -> Vec<CountView> {
            rows.iter()
                .filter(|r| r.key == name)
                .map(|r| CountView {
                    key: r.subkey.clone(),
                    count: r.count,
                    amount: ExactDecimal(r.amount),
                })
                .collect()
        };
        Ok(PoleReport {
            pole: found.slug.clone(),
            listings: section("listings"),
            matches: section("matches"),
            exchanges: section("exchanges"),
            volume_by_month: section("volume"),
            impact: section("impact"),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// One row per transaction, RFC 4180, UTF-8; `?format=excel-fr` for French spreadsheets.
#[utoipa::path(get, path = "/api/v1/reports/transactions.csv", tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses(
        (status = 200, description = "CSV, one row per transaction", content_type = "text/csv"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transactions_csv(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    query: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let mut filter = parse_filter(&query)?;
    let excel_fr = match query.format.as_deref() {
        None | Some("rfc4180") => false,
        Some("excel-fr") => true,
        Some(_) => {
            return Err(AppError::invalid_field(
                "format",
                Invalid::new(
                    "invalid_value",
                    "The format is rfc4180 (default) or excel-fr.",
                ),
            ))
        }
    };
    let rows = db::run(&state.pool, move |conn| {
        scope(conn, &caller, &mut filter)?;
        Ok(ledger::ledger_rows(conn, &filter)?)
    })
    .await?;
    let body = render_csv(&rows, excel_fr).map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"transactions.csv\"",
        ))
        .body(body))
}

/// Text a spreadsheet would run as a formula is prefixed with an apostrophe.
fn text_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn render_csv(rows: &[ledger::LedgerRow], excel_fr: bool) -> Result<Vec<u8>, csv::Error> {
    let number = |value: Decimal| {
        let text = value.to_string();
        if excel_fr {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let mut out = Vec::new();
    if excel_fr {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(if excel_fr { b';' } else { b',' })
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record([
            "transaction_id",
            "exchange_id",
            "occurred_on",
            "provider_pole",
            "beneficiary_pole",
            "provider",
            "beneficiary",
            "category",
            "description",
            "amount",
            "vat_rate",
            "vat_amount",
            "amount_incl_tax",
            "reverses",
            "recorded_by",
        ])?;
        for row in rows {
            writer.write_record([
                row.id.to_string(),
                row.exchange_id.to_string(),
                row.occurred_on.to_string(),
                row.provider_pole.clone().unwrap_or_default(),
                row.beneficiary_pole.clone().unwrap_or_default(),
                text_cell(&row.provider),
                text_cell(&row.beneficiary),
                row.category.clone(),
                text_cell(&row.description),
                number(row.amount),
                number(row.vat_rate.normalize()),
                number(row.vat_amount),
                number(row.amount_incl_tax),
                row.reverses_id.map(|r| r.to_string()).unwrap_or_default(),
                text_cell(&row.recorded_by),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}
