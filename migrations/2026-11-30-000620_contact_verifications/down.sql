DROP TABLE contact_verifications;
