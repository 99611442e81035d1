//! Forms: how a thing looks when no hand-made model exists for it. A form names a family
//! (four-legged animal, humanoid, boat, building…) and a few numbers and parts, and the world
//! builds a plausible model from them, so a scene can hold any noun a person says: a giraffe
//! is a tall quadruped with a long neck and patches, a dragon a winged serpent with horns.
//!
//! Catalog kinds without a hand-made model carry their form in `assets/catalog/`; a scene
//! entity may carry one for a noun the catalog lacks, or to reshape a catalog kind.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::catalog::{Deck, Habitat};
use super::types::{MotionKind, SoundKind};

/// What kind of body a form has; each family has its own builder, proportions and parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Four legs on the ground: mammals, reptiles, sauropods. Size: body length.
    Quadruped,
    /// Stands on two legs: people of any role, giants, robots, theropods (tail part). Size: height.
    Humanoid,
    /// Birds, bats, pterosaurs. Size: wingspan.
    Bird,
    /// Serpents, dragons, sea serpents: a long body, optional legs and wings. Size: length.
    Dragon,
    /// Fish, sharks, whales, dolphins, turtles, octopuses, jellyfish. Size: length.
    Fish,
    /// Insects, spiders, crabs, scorpions. Size: length.
    Insect,
    /// Hulls on the water: rafts to liners and warships. Size: length.
    Boat,
    /// Planes, helicopters, airships, balloons. Size: length.
    Aircraft,
    /// On wheels or tracks: carts, cars, trucks, buses, tanks, trains. Size: length of one car.
    Vehicle,
    /// Rockets, capsules, shuttles, landers, saucers, stations. Size: length (height when upright).
    Spacecraft,
    /// Houses, temples, towers, castles, monuments. Size: height.
    Building,
    /// Trees, bushes, flowers, cacti, reeds. Size: height.
    Plant,
    /// Anything else, made of simple solids (furniture, tools, siege engines). Size: height.
    Prop,
}

/// A named part a form may have; each family accepts its own (see [`Family::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    // Creatures.
    Trunk,
    Tusks,
    Horns,
    Antlers,
    Mane,
    Hump,
    Shell,
    Plates,
    Frill,
    Crest,
    Beak,
    Wings,
    Fins,
    Flippers,
    Tentacles,
    Antennae,
    Stinger,
    Pincers,
    Spikes,
    Tail,
    // What a humanoid wears and holds.
    Helmet,
    Crown,
    Hat,
    Hood,
    Cape,
    Robe,
    Beard,
    Shield,
    Sword,
    Spear,
    Staff,
    Bow,
    Torch,
    Instrument,
    // Craft.
    Sails,
    Funnel,
    Cabin,
    Oars,
    Figurehead,
    Propeller,
    Jet,
    Rotor,
    Balloon,
    Floats,
    Tracks,
    Turret,
    Cover,
    Shafts,
    Boosters,
    Saucer,
    Ring,
    Dome,
    SolarPanels,
    Legs,
    // Buildings.
    PitchedRoof,
    FlatRoof,
    Spire,
    Pyramid,
    OnionDome,
    Columns,
    Arches,
    Tower,
    Battlements,
    Chimney,
    Windows,
    // Plants.
    RoundCrown,
    ConeCrown,
    Palm,
    UmbrellaCrown,
    Bush,
    Blossom,
    Cactus,
    Flower,
    Reeds,
}

/// Patterns on a creature's skin or a thing's surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    #[default]
    Plain,
    Spots,
    Stripes,
    Patches,
}

/// One simple solid of a prop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SolidShape {
    Box,
    Cylinder,
    Cone,
    Sphere,
}

/// A solid of a prop, in units of the prop's size: `at` is its centre (x right, y up, z back),
/// `size` its extent along each axis, `color` an index into the form's colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Solid {
    pub shape: SolidShape,
    pub size: [f32; 3],
    pub at: [f32; 3],
    /// Index into the form's `colors`, 0 when absent.
    #[serde(default)]
    pub color: usize,
    /// Turn about the vertical axis, in degrees.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub yaw: f32,
    /// Tilt about the side axis (x), in degrees: a catapult's arm, a cannon's barrel.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pitch: f32,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

/// A thing described by its family, size, proportions, parts and colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub family: Family,
    /// Metres: length, height or wingspan, as the family says.
    #[schemars(range(min = 0.05, max = 500.0))]
    pub size: f32,
    /// Proportions and counts by name (see `sayscape catalog --families`); unnamed ones take
    /// the family's defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shape: BTreeMap<String, f32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    #[serde(default, skip_serializing_if = "is_plain")]
    pub pattern: Pattern,
    /// Colours as "#rrggbb", main colour first, then second (pattern, clothes), then accent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub colors: Vec<String>,
    /// The solids of a prop (family "prop" only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solids: Vec<Solid>,
    /// Where it lives when not the family's usual place (a penguin is a bird on the ground).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub habitat: Option<Habitat>,
}

fn is_plain(p: &Pattern) -> bool {
    *p == Pattern::Plain
}

/// One proportion of a family: name, accepted range, default, and what it means.
pub struct Proportion {
    pub name: &'static str,
    pub min: f32,
    pub max: f32,
    pub default: f32,
    pub doc: &'static str,
}

const fn p(name: &'static str, min: f32, max: f32, default: f32, doc: &'static str) -> Proportion {
    Proportion { name, min, max, default, doc }
}

use Part::*;

impl Family {
    pub const ALL: [Family; 13] = [
        Family::Quadruped,
        Family::Humanoid,
        Family::Bird,
        Family::Dragon,
        Family::Fish,
        Family::Insect,
        Family::Boat,
        Family::Aircraft,
        Family::Vehicle,
        Family::Spacecraft,
        Family::Building,
        Family::Plant,
        Family::Prop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Quadruped => "quadruped",
            Family::Humanoid => "humanoid",
            Family::Bird => "bird",
            Family::Dragon => "dragon",
            Family::Fish => "fish",
            Family::Insect => "insect",
            Family::Boat => "boat",
            Family::Aircraft => "aircraft",
            Family::Vehicle => "vehicle",
            Family::Spacecraft => "spacecraft",
            Family::Building => "building",
            Family::Plant => "plant",
            Family::Prop => "prop",
        }
    }

    /// A size in metres typical of the family, for examples.
    pub fn typical_size(self) -> f32 {
        match self {
            Family::Quadruped => 2.2,
            Family::Humanoid => 1.8,
            Family::Bird => 1.6,
            Family::Dragon => 14.0,
            Family::Fish => 2.0,
            Family::Insect => 0.6,
            Family::Boat => 16.0,
            Family::Aircraft => 12.0,
            Family::Vehicle => 5.0,
            Family::Spacecraft => 18.0,
            Family::Building => 10.0,
            Family::Plant => 7.0,
            Family::Prop => 1.5,
        }
    }

    /// Three forms that span the family: its defaults with no parts, every proportion at its
    /// minimum, and every proportion at its maximum with every part.
    pub fn extremes(self) -> [Form; 3] {
        let form = |pick: Option<bool>, parts: Vec<Part>, pattern: Pattern| Form {
            family: self,
            size: self.typical_size(),
            shape: match pick {
                None => BTreeMap::new(),
                Some(max) => self.proportions().iter().map(|p| (p.name.to_string(), if max { p.max } else { p.min })).collect(),
            },
            parts,
            pattern,
            colors: Vec::new(),
            solids: Vec::new(),
            habitat: None,
        };
        [
            form(None, Vec::new(), Pattern::Plain),
            form(Some(false), Vec::new(), Pattern::Spots),
            form(Some(true), self.parts().to_vec(), Pattern::Stripes),
        ]
    }

    /// What `size` measures.
    pub fn size_means(self) -> &'static str {
        match self {
            Family::Humanoid | Family::Building | Family::Plant | Family::Prop => "height",
            Family::Bird => "wingspan",
            _ => "length",
        }
    }

    /// The proportions a form of this family may set.
    pub fn proportions(self) -> &'static [Proportion] {
        match self {
            Family::Quadruped => {
                const {
                    &[
                        p("height", 0.15, 2.0, 0.6, "shoulder height over length"),
                        p("neck", 0.0, 1.0, 0.3, "neck length: 0 none, 1 a giraffe's"),
                        p("legs", 0.1, 1.0, 0.5, "share of the shoulder height that is leg"),
                        p("tail", 0.0, 1.5, 0.4, "tail length over body length"),
                        p("head", 0.1, 0.6, 0.25, "head length over body length"),
                        p("bulk", 0.15, 1.0, 0.4, "body girth over length"),
                        p("ears", 0.0, 1.0, 0.2, "ear size: 1 an elephant's"),
                    ]
                }
            }
            Family::Humanoid => {
                const { &[p("build", 0.5, 2.0, 1.0, "girth: 0.5 slender, 2 massive"), p("head", 0.5, 2.5, 1.0, "head size")] }
            }
            Family::Bird => {
                const {
                    &[
                        p("body", 0.1, 0.8, 0.35, "body length over wingspan"),
                        p("neck", 0.0, 1.0, 0.2, "neck length: 1 a swan's or a flamingo's"),
                        p("legs", 0.0, 1.0, 0.2, "leg length: 1 a flamingo's"),
                        p("tail", 0.0, 1.5, 0.3, "tail length over body length"),
                        p("spread", 0.0, 1.0, 1.0, "wings: 1 spread in flight, 0 folded"),
                    ]
                }
            }
            Family::Dragon => {
                const {
                    &[
                        p("neck", 0.0, 1.0, 0.5, "neck length"),
                        p("tail", 0.0, 1.0, 0.6, "tail share of the length"),
                        p("legs", 0.0, 4.0, 4.0, "number of legs: 0 a serpent"),
                        p("wings", 0.0, 1.5, 0.8, "wing size: 0 none"),
                        p("bulk", 0.05, 0.5, 0.18, "body girth over length"),
                    ]
                }
            }
            Family::Fish => {
                const {
                    &[
                        p("depth", 0.05, 1.0, 0.3, "body height over length"),
                        p("width", 0.05, 1.0, 0.2, "body width over length"),
                        p("tail", 0.0, 1.0, 0.5, "tail fin size"),
                        p("fins", 0.0, 1.0, 0.4, "side and back fin size"),
                        p("snout", 0.0, 1.0, 0.1, "snout or bill length"),
                    ]
                }
            }
            Family::Insect => {
                const {
                    &[
                        p("legs", 0.0, 8.0, 6.0, "number of legs"),
                        p("bulk", 0.1, 0.8, 0.3, "body girth over length"),
                        p("wingspan", 0.0, 3.0, 0.0, "wingspan over length: 0 none"),
                    ]
                }
            }
            Family::Boat => {
                const {
                    &[
                        p("beam", 0.08, 0.6, 0.25, "width over length"),
                        p("freeboard", 0.03, 0.4, 0.1, "hull height above water over length"),
                        p("masts", 0.0, 5.0, 0.0, "number of masts"),
                        p("funnels", 0.0, 4.0, 0.0, "number of funnels"),
                    ]
                }
            }
            Family::Aircraft => {
                const {
                    &[
                        p("wingspan", 0.0, 3.0, 1.2, "wingspan over length: 0 none"),
                        p("wings", 1.0, 3.0, 1.0, "stacked wings: 2 a biplane"),
                        p("engines", 0.0, 8.0, 1.0, "number of engines"),
                        p("body", 0.05, 1.0, 0.12, "fuselage width over length"),
                    ]
                }
            }
            Family::Vehicle => {
                const {
                    &[
                        p("height", 0.1, 1.5, 0.4, "height over length"),
                        p("width", 0.15, 0.8, 0.4, "width over length"),
                        p("wheels", 0.0, 16.0, 4.0, "number of wheels"),
                        p("cars", 1.0, 8.0, 1.0, "number of cars in a row (a train)"),
                    ]
                }
            }
            Family::Spacecraft => {
                const {
                    &[
                        p("width", 0.05, 3.0, 0.2, "width over length"),
                        p("upright", 0.0, 1.0, 1.0, "1 stands on its tail like a rocket, 0 lies flat"),
                    ]
                }
            }
            Family::Building => {
                const {
                    &[
                        p("width", 0.05, 20.0, 1.0, "width over height"),
                        p("depth", 0.05, 20.0, 1.0, "depth over height"),
                        p("floors", 0.0, 150.0, 0.0, "floors; 0 from the height"),
                        p("roof", 0.0, 1.5, 0.4, "roof height over width"),
                    ]
                }
            }
            Family::Plant => {
                const { &[p("crown", 0.05, 3.0, 0.6, "crown width over height"), p("trunk", 0.0, 0.95, 0.4, "bare trunk share of the height")] }
            }
            Family::Prop => const { &[p("width", 0.05, 20.0, 1.0, "width over height"), p("depth", 0.05, 20.0, 1.0, "depth over height")] },
        }
    }

    /// The parts a form of this family may have.
    pub fn parts(self) -> &'static [Part] {
        match self {
            Family::Quadruped => &[Trunk, Tusks, Horns, Antlers, Mane, Hump, Shell, Plates, Frill, Spikes, Beak],
            Family::Humanoid => &[
                Helmet, Crown, Hat, Hood, Cape, Robe, Beard, Shield, Sword, Spear, Staff, Bow, Torch, Instrument, Wings, Tail, Horns, Beak,
                Crest, Spikes,
            ],
            Family::Bird => &[Crest, Beak, Tail, Horns],
            Family::Dragon => &[Horns, Spikes, Crest, Frill, Fins],
            Family::Fish => &[Shell, Flippers, Tentacles, Fins, Spikes, Horns],
            Family::Insect => &[Wings, Antennae, Stinger, Pincers, Shell, Horns],
            Family::Boat => &[Sails, Funnel, Cabin, Oars, Figurehead, Propeller],
            Family::Aircraft => &[Propeller, Jet, Rotor, Balloon, Floats, Cabin],
            Family::Vehicle => &[Tracks, Turret, Cabin, Cover, Shafts, Funnel],
            Family::Spacecraft => &[Boosters, Saucer, Ring, Dome, SolarPanels, Legs, Wings, Cabin],
            Family::Building => {
                &[PitchedRoof, FlatRoof, Dome, Spire, Pyramid, OnionDome, Columns, Arches, Tower, Battlements, Chimney, Windows]
            }
            Family::Plant => &[RoundCrown, ConeCrown, Palm, UmbrellaCrown, Bush, Blossom, Cactus, Flower, Reeds],
            Family::Prop => &[],
        }
    }

    /// Where the family lives unless the form says otherwise.
    pub fn habitat(self) -> Habitat {
        match self {
            Family::Bird | Family::Dragon | Family::Aircraft => Habitat::Sky,
            Family::Fish => Habitat::Underwater,
            Family::Boat => Habitat::Water,
            _ => Habitat::Ground,
        }
    }
}

impl Form {
    /// A proportion, or the family's default when the form does not set it.
    pub fn get(&self, name: &str) -> f32 {
        let spec = self.family.proportions().iter().find(|p| p.name == name);
        let default = spec.map_or(0.0, |p| p.default);
        let v = self.shape.get(name).copied().unwrap_or(default);
        spec.map_or(v, |p| v.clamp(p.min, p.max))
    }

    pub fn has(&self, part: Part) -> bool {
        self.parts.contains(&part)
    }

    /// Colour `i` as sRGB, or `default` when the form gives fewer colours.
    pub fn color(&self, i: usize, default: [f32; 3]) -> [f32; 3] {
        self.colors.get(i).and_then(|c| parse_hex(c)).unwrap_or(default)
    }

    pub fn habitat(&self) -> Habitat {
        self.habitat.unwrap_or(self.family.habitat())
    }

    /// A four-legged body in metres: leg length, torso half-height and half-width.
    pub fn quadruped_torso(&self) -> (f32, f32, f32) {
        let (s, h) = (self.size, self.size * self.get("height"));
        let leg = h * self.get("legs");
        let half_width = s * self.get("bulk") * 0.35;
        let half_height = ((h - leg) / 2.0).max(half_width * 0.8).max(s * 0.06);
        (leg, half_height, half_width.max(half_height * 0.5))
    }

    /// A dragon's body in metres: its girth (body radius) and the length of its legs (none for
    /// a serpent).
    pub fn dragon_body(&self) -> (f32, f32) {
        let girth = self.size * self.get("bulk") * 0.5;
        (girth, if self.get("legs").round() >= 1.0 { girth * 1.7 } else { 0.0 })
    }

    /// Footprint radius and height in metres.
    pub fn extent(&self) -> (f32, f32) {
        let s = self.size;
        let (radius, height) = match self.family {
            Family::Quadruped => {
                let (leg, half_height, _) = self.quadruped_torso();
                let body = leg + 2.0 * half_height;
                let neck = self.get("neck");
                (s * 0.5, body.max(s * self.get("height")) + neck * s * 0.75 * (25.0 + 50.0 * neck).to_radians().sin())
            }
            Family::Humanoid => ((s * 0.18 * self.get("build")).max(0.3), s),
            Family::Bird => (s * 0.5, s * (0.25 + self.get("legs") * 0.4 + self.get("neck") * 0.3)),
            Family::Dragon => {
                let (girth, leg) = self.dragon_body();
                (s * 0.4 + s * self.get("wings") * 0.2, leg + girth * 2.0 + self.get("neck") * s * 0.3 * 0.9)
            }
            // An octopus or a jellyfish hangs its arms below a mantle.
            Family::Fish if self.has(Tentacles) => (s * 0.5, s * 0.9),
            Family::Fish => (s * 0.5, s * self.get("depth")),
            Family::Insect => (s * 0.5 * (1.0 + self.get("wingspan") * 0.5), s * self.get("bulk") * 1.2),
            Family::Boat => {
                let hull = s * self.get("freeboard") * 1.5;
                let rig = if self.get("masts") >= 1.0 { s * 0.9 } else { 0.0 };
                let funnel = if self.get("funnels") >= 1.0 { s * 0.3 } else { 0.0 };
                let above_hull = if self.has(Figurehead) {
                    s * 0.16
                } else if self.has(Cabin) {
                    s * 0.08
                } else {
                    0.0
                };
                (s * 0.5, hull.max(rig).max(funnel).max(hull + above_hull))
            }
            Family::Aircraft => {
                let h = if self.has(Balloon) { s * 1.3 } else { s * (0.25 + 0.1 * self.get("wings")) };
                ((s * self.get("wingspan")).max(s) * 0.5, h)
            }
            Family::Vehicle => (s * 0.5 * self.get("cars"), s * self.get("height") + s * 0.15 * self.has(Turret) as u8 as f32),
            Family::Spacecraft => {
                if self.has(Ring) {
                    (s * 0.65, s * 0.95)
                } else if self.has(Saucer) {
                    (s * 0.5, s * 0.4)
                } else if self.get("upright") >= 0.5 {
                    ((s * self.get("width") * 0.5).max(s * 0.1), s)
                } else {
                    (s * 0.5 * self.get("width").max(1.0), s * self.get("width").min(0.5))
                }
            }
            Family::Building => {
                (s * 0.5 * self.get("width").max(self.get("depth")) * std::f32::consts::SQRT_2.min(1.2), s * (1.0 + self.roof_share()))
            }
            Family::Plant => (s * 0.5 * self.get("crown"), s),
            Family::Prop => (s * 0.5 * self.get("width").max(self.get("depth")), s),
        };
        (radius.max(0.05), height.max(0.05))
    }

    /// Extra height of a pointed roof over the walls, as a share of the wall height.
    fn roof_share(&self) -> f32 {
        let w = self.get("width").min(self.get("depth"));
        if self.has(Tower) && !self.has(Pyramid) {
            // Corner towers rise half again above the walls, with their own roofs.
            return if self.has(Spire) || self.has(OnionDome) { 0.9 + w * 0.4 } else { 0.6 };
        }
        if self.has(Pyramid) {
            // A pyramid is the whole building: its height is the size.
            0.0
        } else if self.has(Spire) {
            0.6
        } else if self.has(OnionDome) || self.has(Dome) {
            (w * 0.5).min(1.0)
        } else if self.has(PitchedRoof) {
            (w * self.get("roof")).min(1.0)
        } else {
            0.0
        }
    }

    /// How it moves when the scene does not say.
    pub fn motion(&self) -> MotionKind {
        match (self.family, self.habitat()) {
            (Family::Quadruped | Family::Insect, Habitat::Ground) => MotionKind::Walk,
            (Family::Humanoid, _) => MotionKind::None,
            (Family::Bird | Family::Dragon | Family::Aircraft, Habitat::Sky) => MotionKind::FlyCircuit,
            (_, Habitat::Underwater) => MotionKind::Swim,
            (Family::Boat, _) => MotionKind::Sail,
            (Family::Vehicle, _) => MotionKind::Drive,
            (Family::Plant, _) => MotionKind::Sway,
            _ => MotionKind::None,
        }
    }

    /// The sound an instance makes when the soundscape attaches none.
    pub fn sound(&self) -> Option<SoundKind> {
        Some(match self.family {
            Family::Quadruped if self.size >= 2.5 => SoundKind::Roar,
            Family::Quadruped => SoundKind::Hooves,
            Family::Dragon => SoundKind::Roar,
            Family::Bird if self.habitat() == Habitat::Sky && self.size >= 1.5 => SoundKind::Wings,
            Family::Bird => SoundKind::Birds,
            Family::Fish => SoundKind::Bubbles,
            Family::Insect => SoundKind::Insects,
            Family::Boat if self.get("funnels") >= 1.0 || self.has(Propeller) => SoundKind::Engine,
            Family::Boat => SoundKind::CreakingWood,
            Family::Aircraft if self.has(Jet) => SoundKind::JetEngine,
            Family::Aircraft if self.has(Balloon) => SoundKind::Fire,
            Family::Aircraft => SoundKind::Propeller,
            Family::Vehicle if self.has(Shafts) => SoundKind::Hooves,
            Family::Vehicle => SoundKind::Engine,
            Family::Spacecraft => SoundKind::JetEngine,
            Family::Humanoid | Family::Building | Family::Plant | Family::Prop => return None,
        })
    }

    /// The surface a rider stands on, in the thing's frame, for the families that carry people.
    pub fn deck(&self) -> Option<Deck> {
        let s = self.size;
        let (_, height) = self.extent();
        match self.family {
            Family::Boat => Some(Deck { height: s * self.get("freeboard"), width: s * self.get("beam") * 0.8, length: s * 0.7 }),
            Family::Quadruped if s >= 1.5 => {
                let (leg, half_height, _) = self.quadruped_torso();
                let back = leg + 2.0 * half_height;
                Some(Deck { height: back * 0.97, width: (s * self.get("bulk") * 0.5).max(0.6), length: s * 0.3 })
            }
            Family::Dragon => {
                let (girth, leg) = self.dragon_body();
                Some(Deck { height: leg + girth * 1.9, width: (girth * 1.6).max(0.8), length: s * 0.15 })
            }
            Family::Bird if s >= 4.0 => Some(Deck { height: s * 0.12, width: s * 0.1, length: s * 0.12 }),
            Family::Vehicle => {
                Some(Deck { height: s * self.get("height"), width: s * self.get("width") * 0.8, length: s * 0.8 * self.get("cars") })
            }
            Family::Building if self.has(FlatRoof) || self.has(Battlements) => {
                Some(Deck { height, width: s * self.get("width") * 0.8, length: s * self.get("depth") * 0.8 })
            }
            _ => None,
        }
    }

    /// Every problem of this form, as (field under the form, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !(0.05..=500.0).contains(&self.size) || !self.size.is_finite() {
            out.push(("size".into(), format!("size {} m is outside 0.05 to 500", self.size)));
        }
        let known = self.family.proportions();
        for (name, &value) in &self.shape {
            match known.iter().find(|p| p.name == name) {
                None => {
                    let names: Vec<&str> = known.iter().map(|p| p.name).collect();
                    out.push((
                        format!("shape.{name}"),
                        format!("a {} has no proportion {name:?}; it has: {}", self.family.name(), names.join(", ")),
                    ));
                }
                Some(p) if !(p.min..=p.max).contains(&value) => {
                    out.push((format!("shape.{name}"), format!("{value} is outside {} to {} ({})", p.min, p.max, p.doc)));
                }
                Some(_) => {}
            }
        }
        let allowed = self.family.parts();
        for (i, part) in self.parts.iter().enumerate() {
            if !allowed.contains(part) {
                out.push((format!("parts[{i}]"), format!("a {} cannot have {}", self.family.name(), part_name(*part))));
            }
        }
        for (i, c) in self.colors.iter().enumerate() {
            if parse_hex(c).is_none() {
                out.push((format!("colors[{i}]"), format!("{c:?} is not a colour; write \"#rrggbb\"")));
            }
        }
        if !self.solids.is_empty() && self.family != Family::Prop {
            out.push(("solids".into(), "only a prop is made of solids".into()));
        }
        for (i, s) in self.solids.iter().enumerate() {
            if s.size.iter().chain(&s.at).any(|v| !v.is_finite() || v.abs() > 10.0) || s.size.iter().any(|v| *v <= 0.0) {
                out.push((format!("solids[{i}]"), "size and at are in units of the prop's size: sizes above 0, all within ±10".into()));
            }
        }
        out
    }
}

pub fn part_name(part: Part) -> String {
    serde_json::to_value(part).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// "#rrggbb" → sRGB in 0..1.
pub fn parse_hex(text: &str) -> Option<[f32; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok().map(|v| v as f32 / 255.0);
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(json: serde_json::Value) -> Form {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn defaults_fill_unnamed_proportions_and_values_are_clamped() {
        let f = form(serde_json::json!({"family": "quadruped", "size": 3.0, "shape": {"neck": 5.0}}));
        assert_eq!(f.get("neck"), 1.0);
        assert_eq!(f.get("tail"), 0.4);
        assert_eq!(f.habitat(), Habitat::Ground);
    }

    #[test]
    fn problems_name_the_field_and_what_is_accepted() {
        let f = form(serde_json::json!({"family": "fish", "size": 1.0, "shape": {"nek": 0.5, "tail": 3.0},
            "parts": ["trunk"], "colors": ["red"]}));
        let problems = f.problems();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["shape.nek", "shape.tail", "parts[0]", "colors[0]"]);
        assert!(problems[0].1.contains("depth"), "{}", problems[0].1);
    }

    #[test]
    fn every_family_has_a_bounded_extent_at_its_extremes() {
        for family in Family::ALL {
            for size in [0.05, 500.0] {
                for pick in [0usize, 1] {
                    let shape = family.proportions().iter().map(|p| (p.name.to_string(), if pick == 0 { p.min } else { p.max })).collect();
                    let f = Form {
                        family,
                        size,
                        shape,
                        parts: family.parts().to_vec(),
                        pattern: Pattern::Stripes,
                        colors: vec![],
                        solids: vec![],
                        habitat: None,
                    };
                    let (r, h) = f.extent();
                    assert!(r.is_finite() && h.is_finite() && r > 0.0 && h > 0.0, "{family:?} {size}");
                    assert!(r <= size * 30.0 && h <= size * 6.0, "{family:?} {size}: {r} {h}");
                }
            }
        }
    }
}
