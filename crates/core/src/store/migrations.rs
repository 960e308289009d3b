//! The store's schema migrations, embedded in the binary and applied atomically on open.
//! Add a migration by appending a new `M::up` with its own `schema_vN.sql`; never edit an old one.

use rusqlite_migration::{Migrations, M};

const MIGRATION_STEPS: &[M<'_>] = &[
    M::up(include_str!("schema_v1.sql")),
    M::up(include_str!("schema_v2.sql")),
    M::up(include_str!("schema_v3.sql")),
    M::up(include_str!("schema_v4.sql")),
    M::up(include_str!("schema_v5.sql")),
    M::up(include_str!("schema_v6.sql")),
];

pub const MIGRATIONS: Migrations<'_> = Migrations::from_slice(MIGRATION_STEPS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().expect("migrations must apply to an empty database");
    }
}
