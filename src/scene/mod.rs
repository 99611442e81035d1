//! The scene: the data model every stage reads — types, catalog, JSON Schema and validation.

pub mod catalog;
pub mod change;
pub mod embedded;
pub mod form;
pub mod history;
pub mod locate;
pub mod models;
pub mod ops;
pub mod places;
pub mod room;
pub mod schema;
pub mod situations;
pub mod types;
pub mod validate;

pub use catalog::{Catalog, Habitat, KindInfo};
pub use form::{Family, Form, Part, Pattern};
pub use room::{Light, Material, Room, RoomShape};
pub use schema::scene_schema;
pub use types::*;
pub use validate::{Problem, SceneError, load_scene, parse_scene, save_scene, scene_from_value};
