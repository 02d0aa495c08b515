//! The domain's named values as TEXT columns, mapped once: written by name, read by name,
//! and an unknown name read from the database is an error, never a silent default.

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::account::{AlertFrequency, Family, Locale, Notifications, Role};
use crate::domain::enterprise::{LegalForm, MembershipStatus};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::{Category, CloseReason, Kind, Material, Period, Status, Visibility};
use crate::domain::matching::{Decision, MatchStatus, ProposalStatus};
use crate::domain::takeover::ContactStatus;
use crate::domain::units::Unit;
use crate::domain::visit::{
    Audience, RegistrationStatus, ResourceKind, ResourceVisibility, Theme, TransversalIssue,
    VisitStatus,
};
use crate::domain::Named;

macro_rules! text_columns {
    ($($ty:ident),* $(,)?) => {$(
        const _: () = {
            #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
            #[diesel(foreign_derive)]
            #[diesel(sql_type = Text)]
            #[allow(dead_code)]
            struct Column($ty);
        };

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), &mut out.reborrow())
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                <$ty as Named>::parse(&text).ok_or_else(|| {
                    format!("unknown {} value {text:?} in the database", stringify!($ty)).into()
                })
            }
        }
    )*};
}

text_columns!(
    AlertFrequency,
    Family,
    Locale,
    Notifications,
    Role,
    LegalForm,
    MembershipStatus,
    ExchangeStatus,
    Category,
    CloseReason,
    Kind,
    Status,
    Visibility,
    MatchStatus,
    Decision,
    ProposalStatus,
    ContactStatus,
    Material,
    Period,
    Unit,
    Theme,
    TransversalIssue,
    Audience,
    VisitStatus,
    RegistrationStatus,
    ResourceKind,
    ResourceVisibility,
);
