//! Pôles, the départements they work in, and their coordinators.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::enterprise::MembershipStatus;

use super::ids::{AccountId, EnterpriseId, PoleId};
use crate::schema::{
    accounts, enterprises, memberships, pole_coordinators, pole_departements, poles,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = poles)]
pub struct Pole {
    pub id: PoleId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub commune_code: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = poles)]
pub struct NewPole<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub commune_code: &'a str,
}

/// A pôle with what its public page shows.
#[derive(Debug, Clone)]
pub struct PoleDetails {
    pub pole: Pole,
    pub departements: Vec<String>,
    /// `(account, display name, email)`.
    pub coordinators: Vec<(AccountId, String, String)>,
    pub approved_members: i64,
}

/// Creates the pôle and its départements together.
pub fn create(
    conn: &mut PgConnection,
    new: &NewPole<'_>,
    departements: &[String],
) -> QueryResult<Pole> {
    conn.transaction(|conn| {
        let pole = diesel::insert_into(poles::table)
            .values(new)
            .returning(Pole::as_returning())
            .get_result(conn)?;
        let rows: Vec<_> = departements
            .iter()
            .map(|code| {
                (
                    pole_departements::pole_id.eq(pole.id),
                    pole_departements::departement_code.eq(code),
                )
            })
            .collect();
        diesel::insert_into(pole_departements::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(pole)
    })
}

pub fn find_by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Pole> {
    poles::table
        .filter(poles::slug.eq(slug))
        .select(Pole::as_select())
        .first(conn)
}

pub fn find_by_slugs(conn: &mut PgConnection, slugs: &[String]) -> QueryResult<Vec<Pole>> {
    poles::table
        .filter(poles::slug.eq_any(slugs))
        .select(Pole::as_select())
        .load(conn)
}

pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<PoleDetails>> {
    let all: Vec<Pole> = poles::table
        .select(Pole::as_select())
        .order(poles::name)
        .load(conn)?;
    details_for(conn, all)
}

pub fn details(conn: &mut PgConnection, pole: Pole) -> QueryResult<PoleDetails> {
    Ok(details_for(conn, vec![pole])?.remove(0))
}

/// Loads départements, coordinators and member counts for many pôles in three queries.
fn details_for(conn: &mut PgConnection, poles_found: Vec<Pole>) -> QueryResult<Vec<PoleDetails>> {
    let ids: Vec<PoleId> = poles_found.iter().map(|p| p.id).collect();
    let departements: Vec<(PoleId, String)> = pole_departements::table
        .filter(pole_departements::pole_id.eq_any(&ids))
        .select((
            pole_departements::pole_id,
            pole_departements::departement_code,
        ))
        .order(pole_departements::departement_code)
        .load(conn)?;
    let coordinators: Vec<(PoleId, AccountId, String, String)> = pole_coordinators::table
        .inner_join(accounts::table)
        .filter(pole_coordinators::pole_id.eq_any(&ids))
        .select((
            pole_coordinators::pole_id,
            accounts::id,
            accounts::display_name,
            accounts::email,
        ))
        .order(accounts::display_name)
        .load(conn)?;
    let counts: Vec<(PoleId, i64)> = memberships::table
        .filter(memberships::pole_id.eq_any(&ids))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .group_by(memberships::pole_id)
        .select((memberships::pole_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(poles_found
        .into_iter()
        .map(|pole| PoleDetails {
            departements: departements
                .iter()
                .filter(|(id, _)| *id == pole.id)
                .map(|(_, code)| code.clone())
                .collect(),
            coordinators: coordinators
                .iter()
                .filter(|(id, _, _, _)| *id == pole.id)
                .map(|(_, account, name, email)| (*account, name.clone(), email.clone()))
                .collect(),
            approved_members: counts
                .iter()
                .find(|(id, _)| *id == pole.id)
                .map_or(0, |(_, n)| *n),
            pole,
        })
        .collect())
}

pub fn add_coordinator(
    conn: &mut PgConnection,
    pole: PoleId,
    account: AccountId,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(pole_coordinators::table)
            .values((
                pole_coordinators::pole_id.eq(pole),
                pole_coordinators::account_id.eq(account),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        super::account::promote_to_coordinator(conn, account)?;
        Ok(())
    })
}

pub fn is_coordinator(
    conn: &mut PgConnection,
    pole: PoleId,
    account: AccountId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        pole_coordinators::table
            .filter(pole_coordinators::pole_id.eq(pole))
            .filter(pole_coordinators::account_id.eq(account)),
    ))
    .get_result(conn)
}

/// The pôles an account coordinates.
pub fn coordinated_by(conn: &mut PgConnection, account: AccountId) -> QueryResult<Vec<PoleId>> {
    pole_coordinators::table
        .filter(pole_coordinators::account_id.eq(account))
        .select(pole_coordinators::pole_id)
        .load(conn)
}

/// Approved member enterprises of a pôle: (id, name, commune code, NAF code).
pub fn approved_members(
    conn: &mut PgConnection,
    pole: PoleId,
) -> QueryResult<Vec<(EnterpriseId, String, String, String)>> {
    memberships::table
        .inner_join(enterprises::table)
        .filter(memberships::pole_id.eq(pole))
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((
            enterprises::id,
            enterprises::name,
            enterprises::commune_code,
            enterprises::naf_code,
        ))
        .order(enterprises::name)
        .load(conn)
}

/// A membership request waiting for a coordinator's approval.
#[derive(Debug, Clone, Queryable)]
pub struct PendingMember {
    pub pole_slug: String,
    pub pole_name: String,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    pub siret: String,
    pub naf_code: String,
    pub commune_code: String,
    pub requested_at: DateTime<Utc>,
}

/// Membership requests pending in these pôles, oldest first.
pub fn pending_members(
    conn: &mut PgConnection,
    poles_of: &[PoleId],
) -> QueryResult<Vec<PendingMember>> {
    memberships::table
        .inner_join(enterprises::table)
        .inner_join(poles::table)
        .filter(memberships::pole_id.eq_any(poles_of))
        .filter(memberships::status.eq(MembershipStatus::Pending))
        .select((
            poles::slug,
            poles::name,
            enterprises::id,
            enterprises::name,
            enterprises::siret,
            enterprises::naf_code,
            enterprises::commune_code,
            memberships::requested_at,
        ))
        .order((memberships::requested_at, enterprises::id))
        .load(conn)
}

/// Slug and name of these pôles, by name.
pub fn names_of(conn: &mut PgConnection, ids: &[PoleId]) -> QueryResult<Vec<(String, String)>> {
    poles::table
        .filter(poles::id.eq_any(ids))
        .select((poles::slug, poles::name))
        .order(poles::name)
        .load(conn)
}

/// Every approved membership, as (pôle name, enterprise id, enterprise name), by pôle then
/// enterprise: the choices of a coordinator recording an exchange between two members.
pub fn approved_directory(
    conn: &mut PgConnection,
) -> QueryResult<Vec<(String, EnterpriseId, String)>> {
    memberships::table
        .inner_join(enterprises::table)
        .inner_join(poles::table)
        .filter(memberships::status.eq(MembershipStatus::Approved))
        .select((poles::name, enterprises::id, enterprises::name))
        .order((poles::name, enterprises::name, enterprises::id))
        .load(conn)
}

/// The slug of a pôle.
pub fn slug_of(conn: &mut PgConnection, id: PoleId) -> QueryResult<String> {
    poles::table.find(id).select(poles::slug).first(conn)
}

/// Every pôle's `(slug, name)`, for naming pôles on pages.
pub fn all_names(conn: &mut PgConnection) -> QueryResult<Vec<(String, String)>> {
    poles::table.select((poles::slug, poles::name)).load(conn)
}

/// Every `(département code, pôle slug, pôle name)` a pôle works in, for the directory's
/// map.
pub fn departements_worked(conn: &mut PgConnection) -> QueryResult<Vec<(String, String, String)>> {
    pole_departements::table
        .inner_join(poles::table)
        .select((
            pole_departements::departement_code,
            poles::slug,
            poles::name,
        ))
        .order((pole_departements::departement_code, poles::name))
        .load(conn)
}

/// A pôle's name.
pub fn name_of(conn: &mut PgConnection, id: PoleId) -> QueryResult<String> {
    poles::table.find(id).select(poles::name).first(conn)
}
