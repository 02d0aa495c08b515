DROP TABLE contact_requests;
