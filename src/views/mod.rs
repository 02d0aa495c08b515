//! What operations return and both faces render: the JSON API serialises these views, the
//! pages put them in templates. One shape per resource (and its teaser where it has one).

pub mod accounts;
pub mod alerts;
pub mod contact_requests;
pub mod conversations;
pub mod enterprises;
pub mod exchanges;
pub mod listings;
pub mod matches;
pub mod poles;
pub mod reports;
pub mod visits;
