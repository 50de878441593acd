//! Library operations behind the subcommands. They take options structs and
//! return values; they know nothing about the command line or output format.

pub mod import;
pub mod plan;
pub mod render;
#[cfg(feature = "net")]
pub mod send;
#[cfg(feature = "net")]
pub mod status;
#[cfg(feature = "net")]
pub mod sync;
pub mod validate;
