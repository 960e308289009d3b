//! seam-core: everything Seam knows about documents, the project folder and the local store.
//! No Tauri and no IPC serialization here: the CLI and the desktop shell are thin layers over it.

pub mod check;
pub mod checkconfig;
pub mod checkrun;
pub mod consistency;
pub mod copies;
pub mod dataset;
pub mod datasheet;
pub mod document;
pub mod evolution;
pub mod example;
pub mod history;
pub mod interop;
pub mod lint;
pub mod metrics;
pub mod negotiation;
pub mod project;
pub mod render;
pub mod site;
pub mod store;
pub mod sync;
