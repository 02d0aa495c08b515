//! Reports for coordinators (their pôles) and admins (all): inter-pôle flows with each
//! pôle's net balance, a pôle's activity and impact (its learning visits and library
//! resources too), the CSV export of transactions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::PgConnection;
use rust_decimal::Decimal;

use crate::auth::Caller;
use crate::domain::decimal::ExactDecimal;
use crate::domain::listing::Category;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::ledger::{self, FlowRow, LedgerRow, ReportFilter};
use crate::models::{pole, resource, visit};
use crate::views::reports::{
    BalanceView, CountView, FlowReport, FlowView, LearningFigures, ParticipantsFrom, PoleReport,
};

/// The period and category of a report, as received (text).
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub category: Option<String>,
}

/// Checks the filters: dates `YYYY-MM-DD` (Paris dates, inclusive), `from` before `to`.
pub fn parse_filter(query: &ReportQuery) -> AppResult<ReportFilter> {
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(|text| match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.add(field, Invalid::new("invalid_date"));
                    None
                }
            })
    };
    let from = date("from", &query.from);
    let to = date("to", &query.to);
    let category = match query.category.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => match Category::parse(text) {
            Some(category) => Some(category.as_str().to_string()),
            None => {
                errors.add(
                    "category",
                    Invalid::new("invalid_value").with("value", text),
                );
                None
            }
        },
        None => None,
    };
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            errors.add("to", Invalid::new("dates_order"));
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

/// Admins see every pôle; coordinators the pôles they coordinate; others nothing (403
/// `coordinators_only`).
fn scope(conn: &mut PgConnection, caller: &Caller, filter: &mut ReportFilter) -> AppResult<()> {
    if caller.is_admin() {
        return Ok(());
    }
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    if coordinated.is_empty() {
        return Err(AppError::forbidden("coordinators_only"));
    }
    filter.poles = Some(coordinated.iter().map(|p| p.0).collect());
    Ok(())
}

/// Each pôle's provided, received and net amounts from the flow cells.
fn balances(rows: &[FlowRow]) -> Vec<BalanceView> {
    let mut sums: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for row in rows {
        if let Some(provider) = &row.provider_pole {
            sums.entry(provider.clone()).or_default().0 += row.amount;
        }
        if let Some(beneficiary) = &row.beneficiary_pole {
            sums.entry(beneficiary.clone()).or_default().1 += row.amount;
        }
    }
    sums.into_iter()
        .map(|(pole, (provided, received))| BalanceView {
            pole,
            provided: ExactDecimal(provided),
            received: ExactDecimal(received),
            net: ExactDecimal(provided - received),
        })
        .collect()
}

/// The inter-pôle matrix: exchanges and amount HT, provider pôle × beneficiary pôle, and
/// each pôle's net balance. Coordinators see the flows that involve their pôles.
pub fn flows(
    conn: &mut PgConnection,
    caller: &Caller,
    query: &ReportQuery,
) -> AppResult<FlowReport> {
    let mut filter = parse_filter(query)?;
    scope(conn, caller, &mut filter)?;
    let rows = ledger::flows(conn, &filter)?;
    let total: Decimal = rows.iter().map(|r| r.amount).sum();
    let balances = balances(&rows);
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
        balances,
    })
}

/// A pôle's activity and impact over the period (its coordinators and admins).
pub fn pole_report(
    conn: &mut PgConnection,
    caller: &Caller,
    slug: &str,
    query: &ReportQuery,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<PoleReport> {
    let filter = parse_filter(query)?;
    let found = pole::find_by_slug(conn, slug)?;
    if !caller.is_admin() && !pole::is_coordinator(conn, found.id, caller.id())? {
        return Err(AppError::forbidden("not_pole_coordinator"));
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
    let flow_filter = ReportFilter {
        poles: Some(vec![found.id.0]),
        ..filter.clone()
    };
    let balance = balances(&ledger::flows(conn, &flow_filter)?)
        .into_iter()
        .find(|b| b.pole == found.slug)
        .unwrap_or(BalanceView {
            pole: found.slug.clone(),
            provided: ExactDecimal(Decimal::ZERO),
            received: ExactDecimal(Decimal::ZERO),
            net: ExactDecimal(Decimal::ZERO),
        });
    let learning = learning(conn, found.id, &filter, now)?;
    Ok(PoleReport {
        learning,
        listings: section("listings"),
        matches: section("matches"),
        exchanges: section("exchanges"),
        volume_by_month: section("volume"),
        impact: section("impact"),
        balance,
        pole: found.slug,
    })
}

/// The learning visits a pôle held in the period (Paris days, both ends included) and the
/// resources it published.
fn learning(
    conn: &mut PgConnection,
    pole: crate::models::ids::PoleId,
    filter: &ReportFilter,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<LearningFigures> {
    use crate::clock::{paris_day_end, paris_day_start};
    // Without a period: everything (bounds PostgreSQL's timestamptz can hold).
    let from = filter
        .from
        .map(paris_day_start)
        .unwrap_or(chrono::DateTime::UNIX_EPOCH);
    let to = filter.to.map(paris_day_end).unwrap_or_else(|| {
        paris_day_start(NaiveDate::from_ymd_opt(9999, 1, 1).unwrap_or_default())
    });
    let (visits_held, registered, participants) = visit::held_figures(conn, pole, from, to, now)?;
    let attendance_rate = (registered > 0).then(|| {
        ExactDecimal(
            (Decimal::from(participants) / Decimal::from(registered))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        )
    });
    let participants_by_pole = visit::participants_by_origin(conn, pole, from, to, now)?
        .into_iter()
        .map(|(pole, pole_name, participants)| ParticipantsFrom {
            pole,
            pole_name,
            participants,
        })
        .collect();
    Ok(LearningFigures {
        visits_held,
        registered,
        participants,
        attendance_rate,
        participants_by_pole,
        resources_published: resource::published_count(conn, pole, from, to)?,
    })
}

/// How the CSV is written: RFC 4180, or for French spreadsheets (`;`, decimal comma, BOM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFormat {
    Rfc4180,
    ExcelFr,
}

impl CsvFormat {
    /// Error: `invalid_value`.
    pub fn parse(value: Option<&str>) -> AppResult<CsvFormat> {
        match value.filter(|v| !v.is_empty()) {
            None | Some("rfc4180") => Ok(CsvFormat::Rfc4180),
            Some("excel-fr") => Ok(CsvFormat::ExcelFr),
            Some(other) => Err(AppError::invalid_field(
                "format",
                Invalid::new("invalid_value").with("value", other),
            )),
        }
    }
}

/// One row per transaction, as CSV bytes.
pub fn transactions_csv(
    conn: &mut PgConnection,
    caller: &Caller,
    query: &ReportQuery,
    format: CsvFormat,
) -> AppResult<Vec<u8>> {
    let mut filter = parse_filter(query)?;
    scope(conn, caller, &mut filter)?;
    let rows = ledger::ledger_rows(conn, &filter)?;
    render_csv(&rows, format == CsvFormat::ExcelFr).map_err(|e| AppError::Internal(e.into()))
}

use crate::format::csv_text_cell as text_cell;

fn render_csv(rows: &[LedgerRow], excel_fr: bool) -> Result<Vec<u8>, csv::Error> {
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
