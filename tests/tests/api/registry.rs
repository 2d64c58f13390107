//! The problem registry against the real schema: every named constraint that
//! `refusal::CONSTRAINTS` maps to a registry row exists in the migrated database, so a renamed
//! index cannot silently turn a settled race back into a 500.

use diesel::RunQueryDsl as _;
use diesel::sql_types::{BigInt, Text};
use inps_api::refusal::{CONSTRAINTS, Refusal};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[test]
fn every_mapped_constraint_exists_in_the_schema() {
    let db = inps_tests::TestDb::new();
    let mut conn = db.connect();
    for (name, problem) in CONSTRAINTS {
        let found: Count = diesel::sql_query(
            "SELECT (SELECT count(*) FROM pg_constraint WHERE conname = $1) \
                  + (SELECT count(*) FROM pg_indexes WHERE indexname = $1) AS n",
        )
        .bind::<Text, _>(*name)
        .get_result(&mut conn)
        .expect("look up constraint");
        assert!(
            found.n > 0,
            "{name} (mapped to {}) is not in the schema",
            problem.spec().slug
        );
    }
}

#[test]
fn a_violated_named_constraint_becomes_its_registry_row() {
    let db = inps_tests::TestDb::new();
    let mut conn = db.connect();
    let open = |conn: &mut diesel::PgConnection| {
        diesel::sql_query(
            "INSERT INTO pending_actions (id, tax_code, kind, details, created_at) \
             VALUES (gen_random_uuid(), 'RSSMRA85T10A562S', 'name_mismatch', '{}', now())",
        )
        .execute(conn)
    };
    open(&mut conn).expect("first pending action");
    let err = open(&mut conn).expect_err("second open pending action");
    let refusal = Refusal::from(err);
    assert_eq!(
        refusal.problem(),
        inps_api::problems::Problem::ConcurrentUpdate,
        "{refusal}"
    );
}
