//! PostgreSQL: reading the catalog, the ledger's tables and statements, connecting, the
//! throwaway local cluster, and the schema snapshot read from `pg_catalog`.

pub mod catalog;
pub mod connect;
pub mod ledger;
pub mod local_cluster;
pub mod snapshot;
pub mod sql;
