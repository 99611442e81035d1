//! The data compiled into the binary by `build.rs`: the scenario library, the catalog files
//! and the place kits, each as (file stem, JSON text), sorted by name.

include!(concat!(env!("OUT_DIR"), "/embedded_data.rs"));
