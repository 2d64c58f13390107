//! `embed_migrations!` reads `migrations/` at compile time, but cargo does not know about that
//! folder: without this, adding a migration would leave binaries (and test templates built by
//! them) with the old set.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
