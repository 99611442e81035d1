//! The scene format, `sayscape.scene/1`: what a scenario contains, never where every vertex goes.
//!
//! These types are the single source of truth: the JSON Schema (`sayscape schema`), the
//! validator, the planner and the generation grammar are all derived from them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The value of `"format"` in every scene file of this version.
pub const SCENE_FORMAT: &str = "sayscape.scene/1";

/// The snake_case name a scene enum value has in JSON ("age_of_sail", "along_wall").
pub fn value_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A scenario: the setting, where the player stands, what is around, what it sounds like and
/// what happens when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Optional link to the JSON Schema, for editors.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Always "sayscape.scene/1".
    pub format: String,
    /// A short human title.
    pub title: String,
    /// The request this scene answers, in the user's words (free text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prompt: String,
    pub setting: Setting,
    pub player: Player,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub soundscape: Soundscape,
    #[serde(default)]
    pub timeline: Vec<Beat>,
    /// The edits made to this scene by instruction, for undo, redo and replay.
    #[serde(default, skip_serializing_if = "super::history::History::is_empty")]
    pub edits: super::history::History,
}

/// The world around: ground, sky, light, weather and water.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub terrain: Terrain,
    #[serde(default)]
    pub era: Era,
    pub time_of_day: TimeOfDay,
    #[serde(default)]
    pub weather: Weather,
    /// Fraction of the sky covered by cloud, 0 (clear) to 1 (overcast).
    #[serde(default = "default_cloud_cover")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub cloud_cover: f32,
    /// Fog density, 0 (none) to 1 (you cannot see your hand).
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub fog: f32,
    /// Wind strength, 0 (calm) to 1 (gale).
    #[serde(default = "default_wind")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub wind: f32,
    #[serde(default)]
    pub water: Water,
    /// Radius of the play area in metres; everything is laid out inside it.
    #[serde(default = "default_area_radius")]
    #[schemars(range(min = 20.0, max = 2000.0))]
    pub area_radius: f32,
    /// What hangs in the sky besides the sun, moon, stars and clouds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sky: Vec<SkyFeature>,
    /// The room the player is in, when the scene is indoors; the world outside is what its
    /// windows show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<super::room::Room>,
}

impl Setting {
    /// Whether the world has open water anywhere: its own sea (ocean, beach, island, under
    /// water, a fjord, a swamp's pools) or the inland water it asks for.
    pub fn has_water(&self) -> bool {
        self.terrain.has_sea() || self.water.kind != WaterKind::None
    }
}

fn default_cloud_cover() -> f32 {
    0.3
}
fn default_wind() -> f32 {
    0.3
}
pub fn default_area_radius() -> f32 {
    300.0
}

/// The ground the world is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Terrain {
    /// Open sea to the horizon; land only where an island entity stands.
    Ocean,
    /// Sand on the near side, sea in front of the player.
    Beach,
    /// Open sea with a central island under the player.
    Island,
    Grassland,
    Farmland,
    Forest,
    Jungle,
    Desert,
    Snow,
    Mountains,
    City,
    /// The sea floor, under water.
    Underwater,
    /// Dry golden grass, flat to the horizon.
    Savanna,
    /// Sea ice and snow, blue-white, flat with pressure ridges.
    Arctic,
    /// Black rock, a volcano's cone ahead, glowing lava.
    Volcanic,
    /// Red rock walls on either side of a canyon floor.
    Canyon,
    /// A sea inlet between steep cliffs.
    Fjord,
    /// Dark wetland with pools of still water.
    Swamp,
    /// Grey dust and craters under a black sky: no air, no weather.
    Moon,
    /// Red dust and rocks under a pale butterscotch sky.
    Mars,
    /// Open space: no ground, a planet below, stars all around.
    Space,
}

impl Terrain {
    /// Worlds without air: a black sky by day, no weather, no wind, no birds, no sound carried.
    pub fn is_airless(self) -> bool {
        matches!(self, Terrain::Moon | Terrain::Space)
    }

    /// Terrains that bring their own water.
    pub fn has_sea(self) -> bool {
        matches!(self, Terrain::Ocean | Terrain::Beach | Terrain::Island | Terrain::Underwater | Terrain::Fjord | Terrain::Swamp)
    }

    /// Which world a terrain belongs to; terrains of one world can replace each other without
    /// stranding what is in the scene.
    pub fn world(self) -> World {
        match self {
            Terrain::Ocean | Terrain::Island => World::Sea,
            Terrain::Underwater => World::Underwater,
            Terrain::Moon => World::Moon,
            Terrain::Mars => World::Mars,
            Terrain::Space => World::Space,
            _ => World::Land,
        }
    }
}

/// The world a terrain belongs to (see [`Terrain::world`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum World {
    Land,
    Sea,
    Underwater,
    Moon,
    Mars,
    Space,
}

/// Something in the sky a scene can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkyFeature {
    // Green curtains of the northern lights (seen at night); the blue Earth hanging in the sky;
    // a big ringed planet; two moons; a volcano's eruption plume; shooting stars; fireworks.
    // (No doc comments on variants: they would turn the schema's enum into a oneOf.)
    Aurora,
    Earth,
    Planet,
    Moons,
    Plume,
    Meteors,
    Fireworks,
}

/// Historical period, which steers models, materials and music. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Prehistoric,
    Ancient,
    Medieval,
    AgeOfSail,
    Ww1,
    Ww2,
    #[default]
    Modern,
    Future,
}

/// Time of day: sets the sun, sky colours and light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Dawn,
    Morning,
    Noon,
    Afternoon,
    Dusk,
    Evening,
    Night,
}

impl TimeOfDay {
    /// Sun elevation in degrees above the horizon (negative: below).
    pub fn sun_elevation_deg(self) -> f32 {
        match self {
            TimeOfDay::Dawn => 4.0,
            TimeOfDay::Morning => 30.0,
            TimeOfDay::Noon => 70.0,
            TimeOfDay::Afternoon => 40.0,
            TimeOfDay::Dusk => 3.0,
            TimeOfDay::Evening => -6.0,
            TimeOfDay::Night => -30.0,
        }
    }
}

/// Weather: precipitation, lightning and the mood of the sky.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weather {
    #[default]
    Clear,
    Cloudy,
    Windy,
    Foggy,
    Rain,
    Storm,
    Snow,
}

/// Open water in the world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Water {
    #[serde(default)]
    pub kind: WaterKind,
    /// Wave height, 0 (mirror) to 1 (storm swell).
    #[serde(default = "default_waves")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub waves: f32,
}

impl Default for Water {
    fn default() -> Self {
        Water { kind: WaterKind::None, waves: default_waves() }
    }
}

fn default_waves() -> f32 {
    0.3
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaterKind {
    /// No open water (unless the terrain itself is sea).
    #[default]
    None,
    /// Sea around the player (implied by ocean, beach, island and underwater terrain).
    Ocean,
    /// A lake in front of the player.
    Lake,
    /// A river crossing the view.
    River,
    /// A small pond near the player.
    Pond,
}

/// Where the person stands and how they move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Player {
    /// Who the person is in the scenario, one word or a snake_case phrase (captain, pilot…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    pub vantage: Vantage,
    /// Id of the entity the player stands on or sits in (the ship's deck, the plane's cockpit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// Explicit spawn position [x, y, z] in metres; the default is the origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[f32; 3]>,
    /// Heading in degrees, clockwise from north (-Z).
    #[serde(default)]
    #[schemars(range(min = -360.0, max = 360.0))]
    pub facing: f32,
    #[serde(default)]
    pub locomotion: Locomotion,
}

/// The kind of place the player stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vantage {
    Ground,
    Deck,
    Cockpit,
    Stage,
    Shore,
    Crowd,
    Seat,
    Tower,
    Saddle,
    Seabed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Locomotion {
    /// Teleport with snap turns: the comfortable default.
    #[default]
    Teleport,
    Walk,
    /// Seated or standing in something that moves the player (a ship, a plane).
    Ride,
    Swim,
    Fly,
    /// Standing still, turning only.
    Stationary,
}

/// One kind of thing from the catalog, possibly many of it, placed relative to something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Unique id within the scene: lower-case letters, digits and underscores.
    pub id: String,
    /// What it is, in the person's words: a catalog kind (see `sayscape catalog`), or any noun
    /// when `form` says how to build it.
    pub kind: String,
    /// How many instances, 1 to 2000.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 2000))]
    pub count: u32,
    #[serde(default)]
    pub placement: Placement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion: Option<Motion>,
    /// Size multiplier, 0.1 to 10.
    #[serde(default = "unit_scale")]
    #[schemars(range(min = 0.1, max = 10.0))]
    pub scale: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// How to build it when the catalog has no model for `kind`, or to reshape a catalog kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<super::form::Form>,
    /// What people do (stand, sit at a desk, walk past, lie in a bed); people only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
}

/// What a person is doing: how they are posed and how they move in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Stand,
    Walk,
    Run,
    Sit,
    Lie,
    /// Busy with their hands at what is in front of them (a desk, a stove, a till).
    Work,
    Talk,
    Wait,
    Cheer,
    /// Playing an instrument.
    Play,
    Dance,
    /// Arguing, gesturing (an angry customer).
    Argue,
    /// Crouching, taking cover (an earthquake drill).
    Crouch,
}

fn one() -> u32 {
    1
}
fn unit_scale() -> f32 {
    1.0
}

/// Where an entity's instances go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[serde(default)]
    pub relation: Relation,
    /// Id of the entity the relation refers to; without one, relations refer to the player.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Distance in metres from the target (near, around, in front of, behind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 2000.0))]
    pub distance: Option<f32>,
    /// Explicit position [x, y, z] in metres of the first instance (relation "at").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[f32; 3]>,
}

impl Default for Placement {
    fn default() -> Self {
        Placement { relation: Relation::Scattered, target: None, distance: None, position: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Near,
    Around,
    On,
    InFrontOf,
    Behind,
    #[default]
    Scattered,
    Formation,
    OnWater,
    InSky,
    /// At the explicit `position`.
    At,
    /// Indoors: against the room's walls, facing into the room (a bar, shelves, a fireplace).
    AlongWall,
    /// Indoors: outside the room, seen through its windows (the street, the ships).
    Outside,
}

/// How an entity moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Motion {
    pub kind: MotionKind,
    /// Speed in metres per second (for paths) or a rate multiplier (for bob, cheer, spin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 400.0))]
    pub speed: Option<f32>,
    /// Radius in metres of a circuit or orbit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1.0, max = 2000.0))]
    pub radius: Option<f32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MotionKind {
    /// Still.
    None,
    /// Rise and fall on the waves.
    Bob,
    /// Sail straight ahead, wrapping at the edge of the area.
    Sail,
    /// Fly a circuit around the area's centre.
    FlyCircuit,
    /// Circle the placement target.
    Orbit,
    /// Jump and wave (crowds).
    Cheer,
    Walk,
    Drive,
    Swim,
    Spin,
    Sway,
    Flicker,
}

impl MotionKind {
    /// Whether this motion moves along a loop (as opposed to moving in place).
    pub fn follows_path(self) -> bool {
        matches!(
            self,
            MotionKind::Sail | MotionKind::FlyCircuit | MotionKind::Orbit | MotionKind::Walk | MotionKind::Drive | MotionKind::Swim
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Color {
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Purple,
    Pink,
    Brown,
    Black,
    White,
    Grey,
    Gold,
}

impl Color {
    /// Linear-ish sRGB triple for the renderer.
    pub fn rgb(self) -> [f32; 3] {
        match self {
            Color::Red => [0.70, 0.10, 0.08],
            Color::Orange => [0.90, 0.45, 0.10],
            Color::Yellow => [0.95, 0.85, 0.20],
            Color::Green => [0.20, 0.55, 0.20],
            Color::Blue => [0.15, 0.30, 0.75],
            Color::Purple => [0.45, 0.20, 0.60],
            Color::Pink => [0.95, 0.55, 0.70],
            Color::Brown => [0.42, 0.27, 0.14],
            Color::Black => [0.05, 0.05, 0.05],
            Color::White => [0.92, 0.92, 0.90],
            Color::Grey => [0.50, 0.50, 0.50],
            Color::Gold => [0.85, 0.65, 0.15],
        }
    }
}

/// What the scene sounds like.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Soundscape {
    /// Background layers heard everywhere.
    #[serde(default)]
    pub ambience: Vec<Ambience>,
    #[serde(default)]
    pub music: MusicMood,
    /// Sounds attached to entities: heard where they are.
    #[serde(default)]
    pub emitters: Vec<Emitter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ambience {
    pub sound: SoundKind,
    /// Loudness, 0 to 1.
    #[serde(default = "half")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub level: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Emitter {
    /// Id of the entity the sound comes from.
    pub entity: String,
    pub sound: SoundKind,
    #[serde(default = "half")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub level: f32,
}

fn half() -> f32 {
    0.5
}

/// Every sound the audio engine synthesises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SoundKind {
    Waves,
    Wind,
    Rain,
    Thunder,
    CrowdMurmur,
    CrowdCheer,
    Engine,
    Propeller,
    JetEngine,
    Fire,
    Birds,
    Seagulls,
    CreakingWood,
    Gunfire,
    Flak,
    Cannon,
    Bells,
    Owl,
    Crickets,
    Frogs,
    Insects,
    Bubbles,
    Drips,
    Moo,
    Drums,
    Guitar,
    Choir,
    Stream,
    // A big animal's or a dragon's call; hooves and feet on the ground; big wings beating.
    // (No doc comments on variants: they would turn the schema's enum into a oneOf.)
    Roar,
    Hooves,
    Wings,
    // Places and situations: a fire alarm's bell, an emergency vehicle's wail, a monitor's or a
    // till's beep, a telephone ringing, footsteps, the hum of machines and ventilation, typing on
    // keyboards, dishes and tools clattering, an earthquake's rumble, a clock ticking, a pan
    // sizzling, a public-address chime, applause, splashing water.
    Alarm,
    Siren,
    Beeping,
    Phone,
    Footsteps,
    Hum,
    Typing,
    Clatter,
    Rumble,
    Ticking,
    Sizzle,
    Chime,
    Applause,
    Splash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MusicMood {
    #[default]
    None,
    Adventurous,
    Epic,
    Calm,
    Tense,
    Spooky,
    Festive,
    Rock,
    Melancholic,
}

/// Something that happens at a moment of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Beat {
    /// Seconds after the world appears.
    pub at: f32,
    pub event: BeatEvent,
    /// The entity concerned (appear, vanish, cheer; the source of a sound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The sound to play (event "sound").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<SoundKind>,
    /// The new weather (event "weather").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weather: Option<Weather>,
    /// How long it lasts, in seconds: a sound that goes on (an alarm ringing), the ground
    /// shaking. Without it a sound plays once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 3600.0))]
    pub seconds: Option<f32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BeatEvent {
    /// The entity is hidden until this beat.
    Appear,
    /// The entity disappears.
    Vanish,
    /// A one-shot sound.
    Sound,
    /// The weather changes (crossfaded).
    Weather,
    /// A lightning flash with thunder.
    Lightning,
    /// A crowd entity cheers.
    Cheer,
    /// The room's lamps go out (a power cut): only the emergency lighting and the exit signs
    /// stay lit.
    LightsOut,
    /// The lamps come back on.
    LightsOn,
    /// The ground shakes (an earthquake) for `seconds`; people crouch.
    Shake,
    /// People walk to the nearest way out and leave: the entity's, or everyone's.
    Evacuate,
    /// A person falls to the floor (the entity's first instance).
    Collapse,
}

impl BeatEvent {
    /// Which optional fields of a beat this event needs.
    pub fn needs(self) -> (bool, bool, bool) {
        // (entity, sound, weather)
        match self {
            BeatEvent::Appear | BeatEvent::Vanish | BeatEvent::Cheer | BeatEvent::Collapse => (true, false, false),
            BeatEvent::Sound => (false, true, false),
            BeatEvent::Weather => (false, false, true),
            BeatEvent::Lightning | BeatEvent::LightsOut | BeatEvent::LightsOn | BeatEvent::Shake | BeatEvent::Evacuate => {
                (false, false, false)
            }
        }
    }
}
