//! Database entities (server only).

pub mod entities;
