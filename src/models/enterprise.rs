//! Enterprises, the accounts that act for them, and their pôle memberships.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, EnterpriseId, PoleId};
use crate::domain::enterprise::{LegalForm, MembershipStatus};
use crate::schema::{
    accounts, enterprise_accounts, enterprises, memberships, pole_coordinators, poles,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = enterprises)]
pub struct Enterprise {
    pub id: EnterpriseId,
    pub siret: String,
    pub name: String,
    pub legal_form: LegalForm,
    pub ess: bool,
    pub naf_code: String,
    pub commune_code: String,
    pub headcount: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = enterprises)]
pub struct NewEnterprise<'a> {
    pub siret: &'a str,
    pub name: &'a str,
    pub legal_form: LegalForm,
    pub ess: bool,
    pub naf_code: &'a str,
    pub commune_code: &'a str,
    pub headcount: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = enterprises)]
pub struct EnterpriseChanges {
    pub name: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub ess: Option<bool>,
    pub naf_code: Option<String>,
    pub commune_code: Option<String>,
    pub headcount: Option<i32>,
}

/// A membership as shown with its enterprise.
#[derive(Debug, Clone, Queryable)]
pub struct MembershipRow {
    pub pole_id: PoleId,
    pub pole_slug: String,
    pub pole_name: String,
    pub status: MembershipStatus,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// Creates the enterprise, links the creating account, and asks to join each pôle. Pôles
/// in `approved_pole_ids` (those the creator may approve itself) start approved.
pub fn create(
    conn: &mut PgConnection,
    new: &NewEnterprise<'_>,
    creator: AccountId,
    pole_ids: &[PoleId],
    approved_pole_ids: &[PoleId],
) -> QueryResult<Enterprise> {
    conn.transaction(|conn| {
        let enterprise = diesel::insert_into(enterprises::table)
            .values(new)
            .returning(Enterprise::as_returning())
            .get_result(conn)?;
        diesel::insert_into(enterprise_accounts::table)
            .values((
                enterprise_accounts::enterprise_id.eq(enterprise.id),
                enterprise_accounts::account_id.eq(creator),
            ))
            .execute(conn)?;
        for pole in pole_ids {
            let approved = approved_pole_ids.contains(pole);
            request_membership(conn, enterprise.id, *pole, approved.then_some(creator))?;
        }
        Ok(enterprise)
    })
}

/// Asks for the enterprise to join the pôle: pending, or approved at once by
/// `approved_by` (a coordinator of the pôle, or an admin). False when the enterprise is a
/// member already or has asked already.
pub fn request_membership(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
    pole: PoleId,
    approved_by: Option<AccountId>,
) -> QueryResult<bool> {
    let approved = approved_by.is_some();
    let inserted = diesel::insert_into(memberships::table)
        .values((
            memberships::pole_id.eq(pole),
            memberships::enterprise_id.eq(enterprise),
            memberships::status.eq(if approved {
                MembershipStatus::Approved
            } else {
                MembershipStatus::Pending
            }),
            memberships::approved_at.eq(approved.then(Utc::now)),
            memberships::approved_by.eq(approved_by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(inserted == 1)
}

pub fn find(conn: &mut PgConnection, id: EnterpriseId) -> QueryResult<Enterprise> {
    enterprises::table
        .find(id)
        .select(Enterprise::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut PgConnection,
    id: EnterpriseId,
    changes: &EnterpriseChanges,
) -> QueryResult<Enterprise> {
    diesel::update(enterprises::table.find(id))
        .set((changes, enterprises::updated_at.eq(diesel::dsl::now)))
        .returning(Enterprise::as_returning())
        .get_result(conn)
}

pub fn memberships_of(
    conn: &mut PgConnection,
    id: EnterpriseId,
) -> QueryResult<Vec<MembershipRow>> {
    memberships::table
        .inner_join(poles::table)
        .filter(memberships::enterprise_id.eq(id))
        .select((
            poles::id,
            poles::slug,
            poles::name,
            memberships::status,
            memberships::requested_at,
            memberships::approved_at,
        ))
        .order(poles::slug)
        .load(conn)
}

/// Does this account act for this enterprise?
pub fn is_member_account(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
    account: AccountId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        enterprise_accounts::table
            .filter(enterprise_accounts::enterprise_id.eq(enterprise))
            .filter(enterprise_accounts::account_id.eq(account)),
    ))
    .get_result(conn)
}

/// Does this account coordinate a pôle the enterprise belongs to or asked to join?
pub fn is_coordinated_by(
    conn: &mut PgConnection,
    enterprise: EnterpriseId,
    account: AccountId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .inner_join(
                pole_coordinators::table.on(pole_coordinators::pole_id.eq(memberships::pole_id)),
            )
            .filter(memberships::enterprise_id.eq(enterprise))
            .filter(pole_coordinators::account_id.eq(account)),
    ))
    .get_result(conn)
}

/// Enterprises an account acts for.
pub fn of_account(conn: &mut PgConnection, account: AccountId) -> QueryResult<Vec<Enterprise>> {
    enterprises::table
        .inner_join(enterprise_accounts::table)
        .filter(enterprise_accounts::account_id.eq(account))
        .select(Enterprise::as_select())
        .order(enterprises::name)
        .load(conn)
}

/// Approves a membership. Returns false when there is no such membership request.
pub fn approve_membership(
    conn: &mut PgConnection,
    pole: PoleId,
    enterprise: EnterpriseId,
    approver: AccountId,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::pole_id.eq(pole))
            .filter(memberships::enterprise_id.eq(enterprise)),
    ))
    .get_result(conn)?;
    if !exists {
        return Ok(false);
    }
    diesel::update(
        memberships::table
            .filter(memberships::pole_id.eq(pole))
            .filter(memberships::enterprise_id.eq(enterprise))
            .filter(memberships::status.eq(MembershipStatus::Pending)),
    )
    .set((
        memberships::status.eq(MembershipStatus::Approved),
        memberships::approved_at.eq(diesel::dsl::now),
        memberships::approved_by.eq(approver),
    ))
    .execute(conn)?;
    Ok(true)
}

/// Names of the given enterprises, by id.
pub fn names(
    conn: &mut PgConnection,
    ids: &[EnterpriseId],
) -> QueryResult<std::collections::HashMap<EnterpriseId, String>> {
    Ok(enterprises::table
        .filter(enterprises::id.eq_any(ids))
        .select((enterprises::id, enterprises::name))
        .load::<(EnterpriseId, String)>(conn)?
        .into_iter()
        .collect())
}

/// The public directory as k-anonymity counts it: every enterprise approved in some pôle,
/// with its NAF code and section, département, région and headcount.
pub fn directory(
    conn: &mut PgConnection,
) -> QueryResult<Vec<crate::domain::takeover::DirectoryEntry>> {
    use crate::schema::{communes, naf_codes};
    let rows: Vec<(String, String, String, String, i32)> = enterprises::table
        .inner_join(communes::table.on(communes::code.eq(enterprises::commune_code)))
        .inner_join(naf_codes::table.on(naf_codes::code.eq(enterprises::naf_code)))
        .filter(diesel::dsl::exists(
            memberships::table
                .filter(memberships::enterprise_id.eq(enterprises::id))
                .filter(memberships::status.eq(MembershipStatus::Approved)),
        ))
        .select((
            enterprises::naf_code,
            naf_codes::section,
            communes::departement_code,
            communes::region_code,
            enterprises::headcount,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(naf, section, departement, region, headcount)| {
            crate::domain::takeover::DirectoryEntry {
                naf,
                section,
                departement,
                region,
                headcount,
            }
        })
        .collect())
}

/// A short digest of the public directory (every approved member's NAF code, commune and
/// headcount): it changes exactly when a takeover teaser might have to.
pub fn directory_fingerprint(conn: &mut PgConnection) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Fingerprint {
        #[diesel(sql_type = diesel::sql_types::Text)]
        digest: String,
    }
    diesel::sql_query(
        "SELECT current_database() || ':' || coalesce(md5(string_agg(e.id || ':' || e.naf_code || ':' || e.commune_code || ':' || e.headcount, ',' ORDER BY e.id)), '') AS digest
         FROM enterprises e
         WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.enterprise_id = e.id AND m.status = 'approved')",
    )
    .get_result::<Fingerprint>(conn)
    .map(|f| f.digest)
}

/// The people who answer for these enterprises: `(enterprise, display name, email)` of
/// their accounts, by name.
pub fn contacts(
    conn: &mut PgConnection,
    ids: &[EnterpriseId],
) -> QueryResult<Vec<(EnterpriseId, String, String)>> {
    enterprise_accounts::table
        .inner_join(accounts::table)
        .filter(enterprise_accounts::enterprise_id.eq_any(ids))
        .select((
            enterprise_accounts::enterprise_id,
            accounts::display_name,
            accounts::email,
        ))
        .order(accounts::display_name)
        .load(conn)
}
