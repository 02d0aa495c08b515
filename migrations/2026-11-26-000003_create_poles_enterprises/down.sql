DROP TABLE memberships;
DROP TABLE enterprise_accounts;
DROP TABLE enterprises;
DROP TABLE pole_coordinators;
DROP TABLE pole_departements;
DROP TABLE poles;
