//! The append-only ledger of transactions, with the reports computed from it in NUMERIC.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Numeric, Text};
use rust_decimal::Decimal;

use super::exchange::Exchange;
use super::ids::{AccountId, ExchangeId, PoleId, TransactionId};
use crate::domain::ledger::TransactionAmounts;
use crate::schema::transactions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = transactions)]
pub struct Transaction {
    pub id: TransactionId,
    pub exchange_id: ExchangeId,
    pub provider_pole_id: Option<PoleId>,
    pub beneficiary_pole_id: Option<PoleId>,
    pub reverses_id: Option<TransactionId>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Decimal,
    pub vat_rate: Decimal,
    pub vat_amount: Decimal,
    pub amount_incl_tax: Decimal,
    pub occurred_on: NaiveDate,
    pub description: String,
    pub recorded_by: AccountId,
    pub created_at: DateTime<Utc>,
}

pub struct NewTransaction<'a> {
    pub exchange: &'a Exchange,
    pub money: TransactionAmounts,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub occurred_on: NaiveDate,
    pub description: &'a str,
    pub reverses: Option<TransactionId>,
    pub recorded_by: AccountId,
}

pub fn insert(conn: &mut PgConnection, new: NewTransaction<'_>) -> QueryResult<Transaction> {
    diesel::insert_into(transactions::table)
        .values((
            transactions::exchange_id.eq(new.exchange.id),
            transactions::provider_pole_id.eq(new.exchange.provider_pole_id),
            transactions::beneficiary_pole_id.eq(new.exchange.beneficiary_pole_id),
            transactions::reverses_id.eq(new.reverses),
            transactions::quantity.eq(new.quantity),
            transactions::unit_price.eq(new.unit_price),
            transactions::amount.eq(new.money.amount),
            transactions::vat_rate.eq(new.money.vat_rate),
            transactions::vat_amount.eq(new.money.vat_amount),
            transactions::amount_incl_tax.eq(new.money.amount_incl_tax),
            transactions::occurred_on.eq(new.occurred_on),
            transactions::description.eq(new.description),
            transactions::recorded_by.eq(new.recorded_by),
        ))
        .returning(Transaction::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: TransactionId) -> QueryResult<Transaction> {
    transactions::table
        .find(id)
        .select(Transaction::as_select())
        .first(conn)
}

pub fn of_exchange(conn: &mut PgConnection, exchange: ExchangeId) -> QueryResult<Vec<Transaction>> {
    transactions::table
        .filter(transactions::exchange_id.eq(exchange))
        .select(Transaction::as_select())
        .order(transactions::id)
        .load(conn)
}

pub fn is_reversed(conn: &mut PgConnection, id: TransactionId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        transactions::table.filter(transactions::reverses_id.eq(id)),
    ))
    .get_result(conn)
}

/// Sums of an exchange's transactions, computed by PostgreSQL in NUMERIC.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct Totals {
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Numeric)]
    pub vat_amount: Decimal,
    #[diesel(sql_type = Numeric)]
    pub amount_incl_tax: Decimal,
}

pub fn totals(conn: &mut PgConnection, exchange: ExchangeId) -> QueryResult<Totals> {
    diesel::sql_query(
        "SELECT count(*) AS count, coalesce(sum(amount), 0) AS amount, coalesce(sum(vat_amount), 0) AS vat_amount,
                coalesce(sum(amount_incl_tax), 0) AS amount_incl_tax
         FROM transactions WHERE exchange_id = $1",
    )
    .bind::<BigInt, _>(exchange.0)
    .get_result(conn)
}

/// Report filters: transactions by `occurred_on`, exchanges by creation date, both within
/// [from, to]; optionally one category; for coordinators, only flows touching `poles`.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub category: Option<String>,
    /// `None`: every pôle (admins).
    pub poles: Option<Vec<i64>>,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct FlowRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub provider_pole: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub beneficiary_pole: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub exchanges: i64,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// The inter-pôle matrix: exchanges and amount excluding tax per provider × beneficiary pôle.
pub fn flows(conn: &mut PgConnection, filter: &ReportFilter) -> QueryResult<Vec<FlowRow>> {
    diesel::sql_query(include_str!("sql/flows.sql"))
        .bind::<Nullable<Date>, _>(filter.from)
        .bind::<Nullable<Date>, _>(filter.to)
        .bind::<Nullable<Text>, _>(filter.category.clone())
        .bind::<Nullable<Array<BigInt>>, _>(filter.poles.clone())
        .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LedgerRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub exchange_id: i64,
    #[diesel(sql_type = Date)]
    pub occurred_on: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub provider_pole: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub beneficiary_pole: Option<String>,
    #[diesel(sql_type = Text)]
    pub provider: String,
    #[diesel(sql_type = Text)]
    pub beneficiary: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Numeric)]
    pub vat_rate: Decimal,
    #[diesel(sql_type = Numeric)]
    pub vat_amount: Decimal,
    #[diesel(sql_type = Numeric)]
    pub amount_incl_tax: Decimal,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reverses_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub recorded_by: String,
}

/// One row per transaction, for the CSV export.
pub fn ledger_rows(conn: &mut PgConnection, filter: &ReportFilter) -> QueryResult<Vec<LedgerRow>> {
    diesel::sql_query(include_str!("sql/ledger.sql"))
        .bind::<Nullable<Date>, _>(filter.from)
        .bind::<Nullable<Date>, _>(filter.to)
        .bind::<Nullable<Text>, _>(filter.category.clone())
        .bind::<Nullable<Array<BigInt>>, _>(filter.poles.clone())
        .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct CountRow {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub subkey: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = Numeric)]
    pub amount: Decimal,
}

/// A pôle's activity: rows of (section, key, count, amount) from one query, so that every
/// figure comes from the same snapshot.
pub fn pole_activity(
    conn: &mut PgConnection,
    pole: PoleId,
    filter: &ReportFilter,
) -> QueryResult<Vec<CountRow>> {
    diesel::sql_query(include_str!("sql/pole_activity.sql"))
        .bind::<BigInt, _>(pole.0)
        .bind::<Nullable<Date>, _>(filter.from)
        .bind::<Nullable<Date>, _>(filter.to)
        .bind::<Nullable<Text>, _>(filter.category.clone())
        .load(conn)
}
