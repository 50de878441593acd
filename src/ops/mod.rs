//! Library operations behind the subcommands. They take options structs and
//! return values; they know nothing about the command line or output format.

pub mod import;
pub mod plan;
pub mod render;
pub mod send;
pub mod sync;
pub mod validate;
