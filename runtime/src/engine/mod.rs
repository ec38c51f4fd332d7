//! The database engines seedbed writes to. PostgreSQL is the one there is; what is specific to
//! it (its catalog, the ledger's SQL, connecting, the throwaway local cluster) lives under
//! `postgres/`.

pub mod postgres;
