//! An instruction said inside a world → the operations it asks for, or the reason it asks for
//! none. Words settle most of it, in any of the lexicon's languages: values ("night", "orage",
//! "dragones") from the generation's lexicon and the catalog, verbs and quantities ("enlève",
//! "more", "calmer") from `assets/edit_words.json`. Where the words leave a choice open (which
//! of the world's things "the traffic" is, what "make it brighter" changes, what to add when
//! no kind is named) the model decides, by likelihood or by writing under a grammar, through
//! [`Judge`].

use std::collections::BTreeSet;

use super::cues::{Action, Heard, Level, cues};
use crate::generate::GenerateError;
use crate::lexicon::{lexicon, words};
use crate::plan::default_speed;
use crate::scene::ops::Op;
use crate::scene::{
    BeatEvent, Catalog, Color, Entity, Habitat, KindInfo, MotionKind, MusicMood, Scene, SkyFeature, SoundKind, Terrain, TimeOfDay, Vantage,
    WaterKind, Weather,
};

/// What an utterance inside a world is.
#[derive(Debug, Clone, PartialEq)]
pub enum Understood {
    Edit(Vec<Op>),
    Undo,
    Redo,
    /// It names a scenario of its own ("take me to the moon"): generate a new world.
    NewScenario,
    /// Nothing to change; the reason, for the person.
    Nothing(String),
}

/// The model's part: likelihoods of options, and writing things' names under a grammar.
pub trait Judge {
    /// How much more likely each option (value, phrase) is after the instruction than after
    /// a neutral one, in nats, best first.
    fn weigh(&mut self, instruction: &str, question: &str, options: &[(String, String)]) -> Result<Vec<(String, f32)>, GenerateError>;
    /// Catalog kinds the model writes for an instruction that adds something unnamed.
    fn name_things(&mut self, instruction: &str) -> Result<Vec<String>, GenerateError>;
}

/// Reads instructions by their words alone: no model decides what they leave open (a remote
/// backend; the unit tests of the words).
pub struct WordsOnly;

impl Judge for WordsOnly {
    fn weigh(&mut self, _: &str, _: &str, options: &[(String, String)]) -> Result<Vec<(String, f32)>, GenerateError> {
        Ok(options.iter().map(|(v, _)| (v.clone(), f32::NEG_INFINITY)).collect())
    }
    fn name_things(&mut self, _: &str) -> Result<Vec<String>, GenerateError> {
        Ok(Vec::new())
    }
}

/// The least lift for the model's choice of what "it" is, and of an action or value no word says.
const REFERENT_LIFT: f32 = 1.0;
const ACTION_LIFT: f32 = 1.0;
const VALUE_LIFT: f32 = 0.7;
/// How much faster or slower "faster" and "slower" are.
const SPEED_STEP: f32 = 1.8;

const EDIT_PROMPTS: &str = include_str!("../../prompts/edit.json");

#[derive(serde::Deserialize)]
struct EditPrompts {
    questions: std::collections::BTreeMap<String, EditQuestion>,
}

#[derive(serde::Deserialize)]
struct EditQuestion {
    question: String,
    options: serde_json::Value,
}

/// A question of `prompts/edit.json` with its options (or `None` for options given by the scene).
fn question(name: &str) -> (String, Vec<(String, String)>) {
    static PROMPTS: std::sync::OnceLock<EditPrompts> = std::sync::OnceLock::new();
    let prompts = PROMPTS.get_or_init(|| serde_json::from_str(EDIT_PROMPTS).expect("prompts/edit.json is checked by the tests"));
    let q = prompts.questions.get(name).unwrap_or_else(|| panic!("prompts/edit.json has no question {name}"));
    let options = q.options.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect());
    (q.question.clone(), options.unwrap_or_default())
}

/// What the words of a text say: the values named (with their spans) and the edit cues.
struct Words<'t> {
    said: Vec<String>,
    /// Words inside a named kind.
    masked: Vec<bool>,
    named: Vec<(&'static str, &'static str, (usize, usize))>,
    heard: Heard,
    text: &'t str,
}

impl<'t> Words<'t> {
    fn read(text: &'t str) -> Words<'t> {
        let said = words(text);
        let spans = lexicon().named_spans(text);
        let mut masked = vec![false; said.len()];
        for (_, _, (a, b)) in spans.iter().filter(|(f, _, _)| *f == "kind") {
            masked[*a..*b].iter_mut().for_each(|m| *m = true);
        }
        let cue = cues();
        let heard = cue.hear(text, &masked);
        let value_words = cue.value_words(&heard);
        let unwanted = cue.unwanted(&said);
        // Values, without the words that are a colour, a mood or a sound here, nor what comes
        // after "instead of".
        let named = spans
            .into_iter()
            .filter(|(_, _, (a, b))| !value_words.iter().any(|p| *p == &said[*a..*b]) && !unwanted[*a..*b].iter().any(|u| *u))
            .collect();
        Words { said, masked, named, heard, text }
    }

    fn values(&self, field: &str) -> Vec<&'static str> {
        self.named.iter().filter(|(f, _, _)| *f == field).map(|(_, v, _)| *v).collect()
    }
}

/// Reads one instruction against the scene it would change.
pub fn understand(scene: &Scene, instruction: &str, judge: &mut dyn Judge) -> Result<Understood, GenerateError> {
    let instruction = crate::generate::check_request(instruction)?;
    // What the whole utterance is: undo, redo, a new scenario, a question, not for the world.
    let whole = Words::read(instruction);
    let heard = &whole.heard;
    if heard.has(Action::Redo) {
        return Ok(Understood::Redo);
    }
    if heard.has(Action::Undo) && whole.named.is_empty() {
        return Ok(Understood::Undo);
    }
    // Another world ("on the Moon", from the sea floor "to Mars") is a new scenario; snow is
    // weather here and the sea and the land are one Earth.
    let off_earth = |t: Terrain| matches!(t, Terrain::Moon | Terrain::Mars | Terrain::Space);
    let here = scene.setting.terrain;
    let other_world = whole
        .values("terrain")
        .iter()
        .filter_map(|t| parse::<Terrain>(t))
        .any(|t| t != Terrain::Snow && t.world() != here.world() && (off_earth(t) || off_earth(here)));
    let only_setting = whole.named.iter().all(|(f, _, _)| matches!(*f, "time_of_day" | "weather"));
    // ("now I want night" is an edit: it names only a time or a weather.)
    let setting_only = only_setting && !whole.named.is_empty();
    // "llévame al muelle": taken somewhere in this world, onto something it has.
    let onto_here =
        heard.has(Action::Stand) && whole.named.iter().any(|(f, k, _)| *f == "kind" && scene.entities.iter().any(|e| e.kind == *k));
    if other_world || heard.has(Action::NewScenario) && !setting_only && !onto_here {
        return Ok(Understood::NewScenario);
    }
    if heard.offtopic {
        return Ok(Understood::Nothing(format!("“{instruction}” is not about this world; say what to change in it")));
    }
    if heard.question && heard.actions.is_empty() {
        return Ok(Understood::Nothing(format!("“{instruction}” is a question; say what to change, e.g. “make it night”")));
    }
    // Then clause by clause ("make it dusk, and take the cows away"), each read against the
    // scene as the clauses before it left it, so "add a dragon and make it red" finds the dragon.
    let (mut ops, mut notes) = (Vec::new(), Vec::new());
    let mut current = scene.clone();
    let mut carried: Option<Heard> = None;
    let mut referents: Vec<String> = Vec::new();
    for clause in clauses(instruction) {
        let mut words = Words::read(clause);
        let names_things = words.named.iter().any(|(f, _, _)| *f == "kind") || !words.heard.generic.is_empty();
        if let Some(before) = &carried {
            inherit(&mut words.heard, before, names_things);
        }
        // "in ten seconds, a dragon flies over": a time alone belongs to the next clause.
        if words.heard.says_only_when() && words.named.is_empty() {
            carried = Some(words.heard);
            continue;
        }
        tracing::debug!("clause {clause:?}: heard {:?}; named {:?}", words.heard, words.named);
        let (clause_ops, clause_notes) = read_clause(&current, &words, &referents, judge)?;
        // What this clause acted on is "them" for the next ("trop de requins, enlèves-en").
        let named_kinds: Vec<String> = words.named.iter().filter(|(f, _, _)| *f == "kind").map(|(_, k, _)| k.to_string()).collect();
        if !named_kinds.is_empty() {
            referents = named_kinds;
        }
        notes.extend(clause_notes);
        match crate::scene::ops::apply(&current, &clause_ops) {
            Ok(next) => {
                current = next;
                ops.extend(clause_ops);
            }
            Err(e) => notes.push(e.to_string()),
        }
        carried = Some(words.heard);
    }
    if ops.is_empty() {
        let why = notes.into_iter().next().unwrap_or_else(|| {
            format!(
                "could not tell what to change in “{instruction}”; say it like “make it night”, “add two dragons” or “take the crowd away”"
            )
        });
        return Ok(Understood::Nothing(why));
    }
    Ok(Understood::Edit(ops))
}

/// The clauses of an instruction: split at "and", "et", "y", "und", "e", "then"…, commas
/// and semicolons.
fn clauses(text: &str) -> Vec<&str> {
    const JOINS: &[&str] = &[
        "and", "et", "y", "e", "und", "then", "puis", "luego", "dann", "poi", "also", "aussi", "also", "but", "mais", "pero", "aber", "ma",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut word_start = None;
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if matches!(c, ',' | ';' | '!' | '?' | '.') {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
            word_start = None;
            continue;
        }
        if c.is_alphanumeric() {
            word_start.get_or_insert(i);
            let end_of_word = bytes.get(k + 1).is_none_or(|(_, n)| !n.is_alphanumeric());
            if end_of_word {
                let ws = word_start.take().expect("set above");
                let word = text[ws..i + c.len_utf8()].to_lowercase();
                if JOINS.contains(&word.as_str()) {
                    out.push(&text[start..ws]);
                    start = i + c.len_utf8();
                }
            }
        } else {
            word_start = None;
        }
    }
    out.push(&text[start..]);
    out.into_iter().map(str::trim).filter(|c| !words(c).is_empty()).collect()
}

/// A clause without verbs of its own takes the previous clause's ("remove the cows and the
/// horses", "paint the barn red and the house blue"); a time said alone before it comes along.
fn inherit(heard: &mut Heard, before: &Heard, names_things: bool) {
    let carries = |a: &Action| {
        matches!(
            a,
            Action::Add | Action::Want | Action::Remove | Action::More | Action::Fewer | Action::Faster | Action::Slower | Action::Stop
        )
    };
    // Only a clause that names things takes verbs ("…, please" takes none), and not one that
    // says a colour to paint ("… and the lanterns in red").
    if names_things && !heard.color_targeted && !heard.actions.iter().any(carries) {
        heard.actions.extend(before.actions.iter().copied().filter(carries));
        heard.paint |= before.paint;
    }
    // "il mare è troppo mosso, calmalo": up or down said of the quantity the clause before named.
    if !names_things
        && heard.level_words.is_empty()
        && heard.levels.is_empty()
        && let Some(up) = heard.direction.filter(|_| !before.level_words.is_empty())
    {
        heard.levels = before.level_words.iter().map(|l| (*l, up)).collect();
        heard.level_words = before.level_words.clone();
    }
    // "after a minute the audience should stand up and cheer": the time holds for the clause after.
    if heard.later.is_none() {
        heard.later = before.later;
    }
}

/// The operations one clause asks for, and why some could not be done.
fn read_clause(scene: &Scene, w: &Words, referents: &[String], judge: &mut dyn Judge) -> Result<(Vec<Op>, Vec<String>), GenerateError> {
    let heard = &w.heard;
    let cue = cues();
    let names_things = w.named.iter().any(|(f, _, _)| *f == "kind") || !heard.generic.is_empty();
    let mut reader = Reader {
        scene,
        instruction: w.text,
        heard,
        said: &w.said,
        masked: &w.masked,
        referents,
        names_things,
        named_kinds: w.named.iter().filter(|(f, _, _)| *f == "kind").map(|(_, k, s)| (k.to_string(), *s)).collect(),
        ops: Vec::new(),
        notes: Vec::new(),
    };
    reader.setting(&w.values("time_of_day"), &w.values("weather"), &w.values("terrain"), &w.values("water"), &w.values("sky"));
    reader.sound_and_music(judge)?;
    let silenced: Vec<SoundKind> = reader
        .ops
        .iter()
        .filter_map(|o| if let Op::Ambience { sound, level } = o { (*level == 0.0).then_some(*sound) } else { None })
        .collect();
    let kinds: Vec<(&str, (usize, usize))> = if heard.has(Action::Hear) && !heard.sounds.is_empty() {
        Vec::new() // "I want to hear birds": the sound, not the birds
    } else {
        let quantity = |(a, b): (usize, usize)| cue.level_of(&w.said[a..b]).is_some_and(|l| heard.levels.iter().any(|(x, _)| *x == l));
        w.named
            .iter()
            .filter(|(f, _, _)| *f == "kind")
            // "near the tents", "devant la cabane": a place, not what the instruction is about
            // (except where the person wants to stand); "moins de nuages": the cloud cover.
            .filter(|(_, _, (a, _))| heard.has(Action::Stand) || !cue.is_place(&w.said, *a))
            .filter(|(_, _, span)| !quantity(*span))
            // "stop the owl hooting": the owl's sound went, not an owl.
            .filter(|(_, k, _)| !Catalog::builtin().get(k).and_then(|i| i.sound).is_some_and(|s| silenced.contains(&s)))
            .map(|(_, v, s)| (*v, *s))
            .collect()
    };
    // One word naming several kinds ("tartarughe": tortoises and sea turtles) means the one
    // the world has, when it has one.
    let present = |k: &str| scene.entities.iter().any(|e| e.kind == k);
    let kinds: Vec<(&str, (usize, usize))> =
        kinds.iter().copied().filter(|(k, span)| present(k) || !kinds.iter().any(|(o, s)| s == span && present(o))).collect();
    // "play something more chill": the "more" is the music's, not a thing's.
    // ("give me tense music", "metti una musica": the verb is the music's too.)
    let musical = heard.has(Action::Music) || heard.has(Action::Play) && heard.music.is_some();
    let about_music = musical && ![Action::Remove, Action::Fewer].iter().any(|a| heard.has(*a));
    if !about_music {
        reader.things(&kinds, judge)?;
    }
    if reader.ops.is_empty() {
        reader.guess(judge)?;
    }
    Ok((reader.ops, reader.notes))
}

fn parse<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::json!(value)).ok()
}

struct Reader<'a> {
    scene: &'a Scene,
    instruction: &'a str,
    heard: &'a Heard,
    said: &'a [String],
    /// Words inside a named kind.
    masked: &'a [bool],
    /// The kinds the previous clause named: what "them" is here.
    referents: &'a [String],
    /// Whether this clause names things (kinds or family words).
    names_things: bool,
    /// The kinds this clause names, with their word spans.
    named_kinds: Vec<(String, (usize, usize))>,
    ops: Vec<Op>,
    /// Why something said could not be done ("no “cars” in this world").
    notes: Vec<String>,
}

impl Reader<'_> {
    fn stopping(&self) -> bool {
        self.heard.has(Action::Stop) || self.heard.has(Action::Remove)
    }

    fn setting(&mut self, times: &[&str], weathers: &[&str], terrains: &[&str], waters: &[&str], sky: &[&str]) {
        let heard = self.heard;
        let setting = &self.scene.setting;
        // Time: the last one said ("not at dawn but at night" is rare; "night" after "make it" is common).
        let time = heard.time.as_deref().or(times.last().copied()).and_then(parse::<TimeOfDay>);
        if let Some(value) = time {
            self.ops.push(Op::Time { value });
        }
        // Quantities said with more or less take the place of the weather their words name.
        for &(of, up) in &heard.levels {
            let now = match of {
                Level::Fog => setting.fog,
                Level::Wind => setting.wind,
                Level::Clouds => setting.cloud_cover,
                Level::Waves => setting.water.waves,
            };
            let value = if up { (now + 0.3).max(if of == Level::Fog { 0.35 } else { 0.6 }) } else { now * 0.3 };
            self.ops.push(Op::Level { of, value: (value * 100.0).round() / 100.0 });
        }
        let covered = |w: Weather| {
            heard.levels.iter().any(|&(of, up)| match w {
                Weather::Foggy => of == Level::Fog,
                Weather::Windy => of == Level::Wind,
                Weather::Cloudy => of == Level::Clouds,
                // "a calmer sea", "le vent se calme": calm is the quantity going down.
                Weather::Clear => !up,
                _ => false,
            })
        };
        let mut weathers: Vec<Weather> =
            weathers.iter().chain(heard.weather.iter().map(String::as_str).collect::<Vec<_>>().iter()).filter_map(|w| parse(w)).collect();
        // Snow the ground cannot carry falls from the sky ("fais tomber la neige").
        let snow_ground = terrains.contains(&"snow") && heard.terrain_change;
        if terrains.contains(&"snow") && !snow_ground {
            weathers.push(Weather::Snow);
        }
        weathers.retain(|w| !covered(*w));
        const STRONGEST_FIRST: [Weather; 7] =
            [Weather::Storm, Weather::Snow, Weather::Rain, Weather::Foggy, Weather::Windy, Weather::Cloudy, Weather::Clear];
        if let Some(&w) = STRONGEST_FIRST.iter().find(|w| weathers.contains(w)) {
            match heard.later {
                Some(at) if heard.lightning => self.later(at, BeatEvent::Lightning, None, None, None, None),
                Some(at) => self.later(at, BeatEvent::Weather, None, None, None, Some(w)),
                // "stop the rain", "que deje de llover": the weather clears.
                None if self.stopping() && w != Weather::Clear => self.ops.push(Op::Weather { value: Weather::Clear }),
                None => self.ops.push(Op::Weather { value: w }),
            }
        } else if let (Some(at), true) = (heard.later, heard.lightning) {
            self.later(at, BeatEvent::Lightning, None, None, None, None);
        }
        let terrain = terrains.iter().filter(|t| **t != "snow" || snow_ground).filter_map(|t| parse::<Terrain>(t)).next_back();
        if let Some(t) = terrain.filter(|t| *t != setting.terrain && (heard.terrain_change || heard.has(Action::Change))) {
            self.ops.push(Op::Terrain { value: t });
        }
        if let Some(kind) = waters.iter().filter_map(|w| parse::<WaterKind>(w)).next_back() {
            self.ops.push(Op::Water { kind });
        }
        for feature in sky.iter().filter_map(|f| parse::<SkyFeature>(f)) {
            self.ops.push(Op::Sky { feature, shown: !self.stopping() });
        }
    }

    fn sound_and_music(&mut self, judge: &mut dyn Judge) -> Result<(), GenerateError> {
        let heard = self.heard;
        // "music" said, or a mood with "play" ("spiel epische Musik", "play something epic").
        if heard.has(Action::Music) || heard.music.is_some() && heard.has(Action::Play) {
            let mood = match heard.music.as_deref().and_then(parse::<MusicMood>) {
                Some(mood) => Some(mood),
                None if self.stopping() => Some(MusicMood::None),
                None => {
                    let (q, options) = question("music");
                    let ranked = judge.weigh(self.instruction, &q, &options)?;
                    ranked.first().filter(|(_, lift)| *lift >= VALUE_LIFT).and_then(|(v, _)| parse::<MusicMood>(v))
                }
            };
            match mood {
                Some(mood) => {
                    self.ops.push(Op::Music { mood: if self.stopping() && heard.music.is_none() { MusicMood::None } else { mood } })
                }
                None => self.notes.push("say what music: calm, epic, spooky, festive…".into()),
            }
        }
        let sounds: Vec<SoundKind> = heard.sounds.iter().filter_map(|s| parse(s)).collect();
        // "stop the owl hooting": a sound the world plays, silenced.
        let playing = |s: &SoundKind| self.scene.soundscape.ambience.iter().any(|a| a.sound == *s);
        // (The weather's own sounds go with it: "stop the rain" clears the weather.)
        let weather_set = self.ops.iter().any(|o| matches!(o, Op::Weather { .. }));
        let stops_one = heard.has(Action::Stop) && !weather_set && sounds.iter().any(playing);
        // "play some birdsong", "spiel Vogelgezwitscher": a sound to hear, not music.
        let plays_sound = heard.has(Action::Play) && !heard.has(Action::Music);
        if heard.has(Action::Hear) || plays_sound || stops_one || heard.later.is_some() && !sounds.is_empty() && !heard.lightning {
            for sound in sounds.into_iter().filter(|s| !stops_one || playing(s)) {
                match heard.later {
                    Some(at) => self.later(at, BeatEvent::Sound, None, None, Some(sound), None),
                    None => self.ops.push(Op::Ambience { sound, level: if self.stopping() { 0.0 } else { 0.6 } }),
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn later(
        &mut self,
        at: f32,
        event: BeatEvent,
        kind: Option<String>,
        id: Option<String>,
        sound: Option<SoundKind>,
        weather: Option<Weather>,
    ) {
        self.ops.push(Op::Later { at, event, kind, id, sound, weather });
    }

    /// The things named, and what to do with them.
    fn things(&mut self, kinds: &[(&str, (usize, usize))], judge: &mut dyn Judge) -> Result<(), GenerateError> {
        let heard = self.heard;
        let on_entities = [
            Action::Remove,
            Action::More,
            Action::Fewer,
            Action::Faster,
            Action::Slower,
            Action::Stand,
            Action::Double,
            Action::Vanish,
            Action::Cheer,
        ];
        let by_id = self.entities_by_id_words();
        let generic = self.generic_mentions();
        if kinds.is_empty() && by_id.is_empty() && generic.is_empty() {
            // "more" and "less" said of the fog or the wind are about them, not about a thing.
            let about_levels = |a: &Action| matches!(a, Action::More | Action::Fewer) && !heard.levels.is_empty();
            let wants_some = on_entities.iter().any(|a| heard.has(*a) && !about_levels(a))
                || heard.color.is_some() && (heard.paint || heard.has(Action::Change));
            let ride =
                self.scene.player.on.as_deref().and_then(|id| self.scene.entities.iter().find(|e| e.id == id)).filter(|e| self.fits(e));
            if let (Some(ride), true) = (ride, heard.has(Action::Faster) || heard.has(Action::Slower)) {
                // "Fly faster!": what carries the player.
                let kind = ride.kind.clone();
                self.act_on(&kind, std::slice::from_ref(&ride.id), None);
            } else if let (Some(kind), true) = (self.referent_from_before(), wants_some) {
                let ids = self.ids_of(&kind);
                self.act_on(&kind, &ids, None);
            } else if wants_some && !self.stopping_only_setting() {
                if let Some(kind) = self.referent_by_model(judge)? {
                    let ids = self.ids_of(&kind);
                    self.act_on(&kind, &ids, None);
                }
            } else if let (Some(at), true) = (heard.later, heard.has(Action::Appear) || heard.has(Action::Add)) {
                // "in half a minute something appears": the model names it.
                if self.ops.is_empty() {
                    for kind in judge.name_things(self.instruction)?.into_iter().take(1) {
                        self.later(at, BeatEvent::Appear, Some(kind), None, None, None);
                    }
                }
            } else if heard.has(Action::Add) && self.ops.is_empty() && heard.later.is_none() {
                for kind in judge.name_things(self.instruction)?.into_iter().take(1) {
                    self.ops.push(Op::Add { kind, count: None, color: color(heard) });
                }
            }
            return Ok(());
        }
        let mut done: BTreeSet<String> = BTreeSet::new();
        for id in by_id {
            let kind = self.scene.entities.iter().find(|e| e.id == id).map(|e| e.kind.clone()).unwrap_or_default();
            if done.insert(kind.clone()) {
                self.act_on(&kind, std::slice::from_ref(&id), None);
            }
        }
        for &(kind, (at, _)) in kinds {
            if !done.insert(kind.to_string()) {
                continue;
            }
            let ids = self.ids_of(kind);
            let count = self.count_said(at);
            self.act_on(kind, &ids, count);
        }
        for (word, at, ids) in generic {
            // The family's biggest group names it ("boats": the fishing boats).
            let main = ids.iter().filter_map(|id| self.scene.entities.iter().find(|e| &e.id == id)).max_by_key(|e| e.count);
            match main {
                Some(e) if done.insert(e.kind.clone()) => {
                    let kind = e.kind.clone();
                    let count = self.count_said(at);
                    self.act_on(&kind, &ids, count);
                }
                Some(_) => {}
                None => self.notes.push(format!("no “{word}” in this world")),
            }
        }
        Ok(())
    }

    /// Family words ("the boats", "la circulation") with the entities they cover, where the
    /// action can apply to them; places ("near the trees") are left out.
    fn generic_mentions(&self) -> Vec<(String, usize, Vec<String>)> {
        let catalog = Catalog::builtin();
        let heard = self.heard;
        heard
            .generic
            .iter()
            .filter(|(_, at)| heard.has(Action::Stand) || !cues().is_place(self.said, *at))
            // A family word that is also a kind's name ("birds") stands for the family only when
            // the world lacks that kind, and not when adding (the kind itself is added).
            .filter(|(_, at)| !self.masked.get(*at).copied().unwrap_or(false) || !self.adding() && !self.names_present_kind_at(*at))
            .map(|(g, at)| {
                let ids = self
                    .scene
                    .entities
                    .iter()
                    .filter(|e| self.fits(e))
                    .filter(|e| {
                        catalog
                            .info_for(e)
                            .is_some_and(|k| k.tags.iter().any(|t| g.tags.contains(t)) && g.habitat.is_none_or(|h| h == k.habitat))
                    })
                    .map(|e| e.id.clone())
                    .collect();
                (self.said[*at].clone(), *at, ids)
            })
            .collect()
    }

    /// Whether a kind the world has is named at word `at`.
    fn names_present_kind_at(&self, at: usize) -> bool {
        self.named_kinds.iter().any(|(k, (a, b))| *a <= at && at < *b && self.scene.entities.iter().any(|e| e.kind == *k))
    }

    /// What "them" is: the first kind the previous clause named that the world has (else the first).
    fn referent_from_before(&self) -> Option<String> {
        let present = |k: &&String| self.scene.entities.iter().any(|e| &e.kind == *k && self.fits(e));
        self.referents.iter().find(present).or(self.referents.first()).cloned()
    }

    /// Whether the action can apply to an entity: only what moves goes faster, only what has
    /// room on top (or a crowd to stand in) can be stood on.
    fn fits(&self, e: &Entity) -> bool {
        let heard = self.heard;
        let Some(info) = Catalog::builtin().info_for(e) else { return false };
        if heard.has(Action::Faster) || heard.has(Action::Slower) {
            e.motion.as_ref().map_or(info.motion, |m| m.kind) != MotionKind::None
        } else if heard.has(Action::Stand) {
            info.deck.is_some() || info.height >= 3.0 || vantage_on(&info) == Vantage::Crowd
        } else {
            true
        }
    }

    /// Whether the only verbs are about the setting ("stop the rain"), so the model need not
    /// look for a thing to take away.
    fn stopping_only_setting(&self) -> bool {
        self.stopping() && !self.ops.is_empty()
    }

    fn count_said(&self, at: usize) -> Option<u32> {
        cues().count_before(self.said, at).or(self.heard.another.then_some(1))
    }

    /// The entities a kind said refers to: of that kind, else of its family (boats for "bateaux").
    fn ids_of(&self, kind: &str) -> Vec<String> {
        let exact: Vec<String> = self.scene.entities.iter().filter(|e| e.kind == kind && self.fits(e)).map(|e| e.id.clone()).collect();
        // Nothing is taken away on a guess: "remove the owl" does not remove the crows.
        if !exact.is_empty() || self.adding() || self.heard.has(Action::Remove) {
            return exact;
        }
        let catalog = Catalog::builtin();
        let Some(said) = catalog.get(kind) else { return exact };
        let kin: Vec<(f32, &Entity)> = self
            .scene
            .entities
            .iter()
            .filter(|e| self.fits(e))
            .filter_map(|e| Some((kinship(said, catalog.get(&e.kind)?), e)))
            .filter(|(k, _)| *k > 0.0)
            .collect();
        // The closest relatives only: boats for "bateaux", not the buoys that share the sea.
        let best = kin.iter().map(|(k, _)| *k).fold(0.0, f32::max);
        kin.into_iter().filter(|(k, _)| *k >= best * 0.999).map(|(_, e)| e.id.clone()).collect()
    }

    fn adding(&self) -> bool {
        let h = self.heard;
        (h.has(Action::Add) || h.has(Action::Want))
            && ![Action::Remove, Action::Fewer, Action::Faster, Action::Slower, Action::Stand].iter().any(|a| h.has(*a))
    }

    /// Entities whose own name the instruction says ("the frigate", "the tour boat").
    fn entities_by_id_words(&self) -> Vec<String> {
        // The whole name, word for word ("take me aboard the tour boat"), comes first.
        let whole: Vec<String> = self
            .scene
            .entities
            .iter()
            .filter(|e| {
                let parts: Vec<String> = e.id.split('_').map(str::to_string).collect();
                let standing = self.heard.has(Action::Stand);
                let found = crate::lexicon::occurrences(self.said, &parts);
                parts.len() > 1 && found.iter().any(|&at| standing || !cues().is_place(self.said, at))
            })
            .map(|e| e.id.clone())
            .collect();
        if !whole.is_empty() {
            return whole;
        }
        let catalog = Catalog::builtin();
        self.scene
            .entities
            .iter()
            .filter(|e| {
                let id_words: Vec<&str> = e.id.split('_').filter(|w| w.len() >= 5 && catalog.get(w).is_none()).collect();
                // A word inside a kind's name ("sharks") is that kind, not this entity's name;
                // a place ("on the rocks") is not what the instruction acts on.
                let standing = self.heard.has(Action::Stand);
                let mut candidates = self.said.iter().enumerate().filter(|(i, _)| !self.masked[*i]);
                candidates.any(|(i, s)| {
                    id_words.iter().any(|w| s == w || s.strip_suffix('s') == Some(w)) && (standing || !cues().is_place(self.said, i))
                })
            })
            .map(|e| e.id.clone())
            .collect()
    }

    /// What "they" are, when no word names a kind: the model weighs the world's own kinds.
    fn referent_by_model(&mut self, judge: &mut dyn Judge) -> Result<Option<String>, GenerateError> {
        let mut kinds: Vec<String> = self.scene.entities.iter().filter(|e| self.fits(e)).map(|e| e.kind.clone()).collect();
        kinds.sort();
        kinds.dedup();
        if kinds.is_empty() {
            return Ok(None);
        }
        let (q, _) = question("referent");
        let options: Vec<(String, String)> = kinds.iter().map(|k| (k.clone(), format!(" {}", k.replace('_', " ")))).collect();
        let ranked = judge.weigh(self.instruction, &q, &options)?;
        tracing::debug!("referent: {ranked:?}");
        Ok(ranked.into_iter().next().filter(|(_, lift)| *lift >= REFERENT_LIFT).map(|(k, _)| k))
    }

    /// The operation on the entities of one kind the instruction names.
    fn act_on(&mut self, kind: &str, ids: &[String], count: Option<u32>) {
        let heard = self.heard;
        let scene = self.scene;
        let catalog = Catalog::builtin();
        let entities: Vec<&Entity> = ids.iter().filter_map(|id| scene.entities.iter().find(|e| &e.id == id)).collect();
        let name = kind.replace('_', " ");
        if let Some(at) = heard.later {
            // The biggest group is who cheers or vanishes ("the crowd": the audience).
            let first = entities.iter().max_by_key(|e| e.count).map(|e| e.id.clone());
            if heard.has(Action::Vanish) && first.is_some() {
                self.later(at, BeatEvent::Vanish, None, first, None, None);
            } else if heard.has(Action::Cheer) && first.is_some() {
                self.later(at, BeatEvent::Cheer, None, first, None, None);
            } else if catalog.get(kind).is_some()
                && (entities.is_empty() || heard.has(Action::Appear) || heard.has(Action::Add) || heard.another)
                && (self.ops.is_empty() || heard.has(Action::Appear) || heard.has(Action::Add))
            {
                // "in thirty seconds lightning strikes the castle": the castle is where, not what appears.
                self.later(at, BeatEvent::Appear, Some(kind.to_string()), None, None, None);
            }
            return;
        }
        if heard.has(Action::Stand) {
            match entities.first() {
                Some(e) => {
                    let info = catalog.info_for(e);
                    let vantage = info.as_deref().map_or(Vantage::Ground, vantage_on);
                    let on = (vantage != Vantage::Crowd).then(|| e.id.clone());
                    self.ops.push(Op::Stand { on, vantage });
                }
                None => self.notes.push(format!("there is no {name} here to stand on")),
            }
            return;
        }
        let player_on = scene.player.on.as_deref();
        // The entity whose count changes: the largest that the player does not stand on.
        let main = entities.iter().filter(|e| Some(e.id.as_str()) != player_on).max_by_key(|e| e.count);
        // "too many sharks, remove some": fewer, not none.
        if heard.has(Action::Fewer) {
            match main {
                Some(e) => self.ops.push(Op::Count { id: e.id.clone(), count: count.unwrap_or(e.count / 2).clamp(1, e.count.max(1)) }),
                None => self.notes.push(format!("there is no {name} here")),
            }
            return;
        }
        let removing = heard.has(Action::Remove) || heard.has(Action::Vanish) || heard.has(Action::Stop) && !heard.has(Action::More);
        if removing {
            if entities.is_empty() {
                self.notes.push(format!("there is no {name} here to take away"));
            }
            for e in &entities {
                self.ops.push(Op::Remove { id: e.id.clone() });
            }
            return;
        }
        // "paint the barn blue", "I want the dragons black": a colour for what is there, unless
        // more of them are asked for ("add a red dragon").
        // A colour said only to describe ("the blue ship over there") changes nothing.
        let adds_some = count.is_some() && heard.has(Action::Add) || heard.has(Action::More) || heard.another;
        let recolours = heard.paint || heard.color_targeted || heard.has(Action::Change) || heard.has(Action::Want);
        if let (Some(color), true) = (color(heard), recolours && !entities.is_empty() && !adds_some) {
            for e in &entities {
                self.ops.push(Op::Color { id: e.id.clone(), color });
            }
            return;
        }
        if (heard.has(Action::Faster) || heard.has(Action::Slower)) && !entities.is_empty() {
            let factor = if heard.has(Action::Faster) { SPEED_STEP } else { 1.0 / SPEED_STEP };
            for e in &entities {
                let Some(info) = catalog.info_for(e) else { continue };
                let motion = e.motion.as_ref().map_or(info.motion, |m| m.kind);
                if motion == MotionKind::None {
                    continue;
                }
                let now = e.motion.as_ref().and_then(|m| m.speed).unwrap_or_else(|| default_speed(motion, &info.kind));
                self.ops.push(Op::Speed { id: e.id.clone(), speed: ((now * factor) * 10.0).round() / 10.0 });
            }
            if !self.ops.iter().any(|o| matches!(o, Op::Speed { .. })) {
                self.notes.push(format!("the {name} do not move"));
            }
            return;
        }
        let more = heard.has(Action::More) || heard.has(Action::Double) || heard.has(Action::Add) || heard.another;
        match main {
            Some(e) if more => {
                let extra = if heard.has(Action::Double) {
                    e.count
                } else if let Some(n) = count {
                    n
                } else if heard.has(Action::More) && !heard.another {
                    e.count.max(2)
                } else {
                    1
                };
                self.ops.push(Op::Count { id: e.id.clone(), count: (e.count + extra).min(2000) });
            }
            // Said without a verb about something already there ("how many ships"): nothing.
            Some(_) => {}
            None if entities.is_empty() && catalog.get(kind).is_some() && (more || !heard.question) => {
                self.ops.push(Op::Add { kind: kind.to_string(), count, color: color(heard) });
            }
            None => {}
        }
    }

    /// No word settled it: the model weighs what kind of change this is, then its value.
    fn guess(&mut self, judge: &mut dyn Judge) -> Result<(), GenerateError> {
        // Only a change asked in general ("make it…", "could you change…"): a verb about things
        // ("go away", "more") that found no thing is not a wish for other weather.
        let about_things = [Action::Add, Action::Remove, Action::More, Action::Fewer, Action::Faster, Action::Slower, Action::Stand];
        // Nor when the clause is about things it names ("the audience should stand up").
        let asked = self.heard.has(Action::Change) || self.heard.has(Action::Want);
        if !asked || !self.notes.is_empty() || about_things.iter().any(|a| self.heard.has(*a)) || self.names_things {
            return Ok(());
        }
        let (q, options) = question("action");
        let ranked = judge.weigh(self.instruction, &q, &options)?;
        tracing::debug!("action: {ranked:?}");
        let Some((action, lift)) = ranked.first() else { return Ok(()) };
        if *lift < ACTION_LIFT {
            return Ok(());
        }
        let field = match action.as_str() {
            "time" => "time_of_day",
            "weather" => "weather",
            "music" => "music",
            _ => return Ok(()),
        };
        let (q, options) = if field == "music" { question("music") } else { rank_question(field) };
        let best = judge.weigh(self.instruction, &q, &options)?;
        let current = match field {
            "time_of_day" => crate::scene::value_name(&self.scene.setting.time_of_day),
            "weather" => crate::scene::value_name(&self.scene.setting.weather),
            _ => crate::scene::value_name(&self.scene.soundscape.music),
        };
        let Some((value, _)) = best.iter().find(|(v, lift)| *v != current && *lift >= VALUE_LIFT) else { return Ok(()) };
        match field {
            "time_of_day" => self.ops.extend(parse(value).map(|value| Op::Time { value })),
            "weather" if !self.scene.setting.terrain.is_airless() => self.ops.extend(parse(value).map(|value| Op::Weather { value })),
            "music" => self.ops.extend(parse(value).map(|mood| Op::Music { mood })),
            _ => {}
        }
        Ok(())
    }
}

/// A question of the generation's ranking (`prompts/rank.json`), for a setting field.
fn rank_question(field: &str) -> (String, Vec<(String, String)>) {
    let lists = crate::generate::rank::RankPrompts::builtin().option_lists();
    let (_, q, options) = lists.into_iter().find(|(f, _, _)| f == field).unwrap_or_else(|| panic!("prompts/rank.json has no {field}"));
    (q, options)
}

fn color(heard: &Heard) -> Option<Color> {
    heard.color.as_deref().and_then(parse)
}

/// How closely two kinds are related: 0 for another habitat, else the information of the
/// tags they share (a rare tag, "boat", says more than a common one, "sea").
fn kinship(a: &KindInfo, b: &KindInfo) -> f32 {
    static RARITY: std::sync::OnceLock<std::collections::BTreeMap<String, f32>> = std::sync::OnceLock::new();
    let rarity = RARITY.get_or_init(|| {
        let kinds = Catalog::builtin().kinds();
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for k in kinds {
            for t in &k.tags {
                *counts.entry(t.clone()).or_default() += 1;
            }
        }
        counts.into_iter().map(|(t, n)| (t, (kinds.len() as f32 / n as f32).ln())).collect()
    });
    if a.habitat != b.habitat {
        return 0.0;
    }
    a.tags.iter().filter(|t| b.tags.contains(t)).map(|t| rarity.get(t).copied().unwrap_or(0.0)).sum()
}

/// Where a person stands on a thing: a ship's deck, a plane's cockpit, a tower's top…
fn vantage_on(info: &KindInfo) -> Vantage {
    let tagged = |t: &str| info.tags.iter().any(|x| x == t);
    if tagged("people") || info.kind == "crowd" {
        Vantage::Crowd
    } else if info.habitat == Habitat::Water && info.deck.is_some() {
        Vantage::Deck
    } else if info.habitat == Habitat::Sky || tagged("plane") {
        Vantage::Cockpit
    } else if tagged("stage") || info.kind.contains("stage") {
        Vantage::Stage
    } else if tagged("animal") || tagged("dragon") {
        Vantage::Saddle
    } else if info.height >= 8.0 {
        Vantage::Tower
    } else {
        Vantage::Ground
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::load_scene;

    fn read(scene: &str, instruction: &str) -> Understood {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes").join(format!("{scene}.json"));
        understand(&load_scene(&path).unwrap(), instruction, &mut WordsOnly).unwrap()
    }

    #[test]
    fn words_alone_settle_common_edits_in_four_languages() {
        assert_eq!(read("pirate_seven_seas", "make it night"), Understood::Edit(vec![Op::Time { value: TimeOfDay::Night }]));
        assert_eq!(read("medieval_castle", "que nieve"), Understood::Edit(vec![Op::Weather { value: Weather::Snow }]));
        assert_eq!(read("city_night", "stop the rain"), Understood::Edit(vec![Op::Weather { value: Weather::Clear }]));
        let Understood::Edit(ops) = read("farm", "lass es schneien und mach es Nacht") else { panic!() };
        assert!(ops.contains(&Op::Time { value: TimeOfDay::Night }) && ops.contains(&Op::Weather { value: Weather::Snow }), "{ops:?}");
        let Understood::Edit(ops) = read("castle_siege", "add a dragon") else { panic!() };
        assert_eq!(ops, vec![Op::Add { kind: "dragon".into(), count: Some(1), color: None }]);
        let Understood::Edit(ops) = read("farm", "quita las vacas") else { panic!() };
        assert!(ops.iter().all(|o| matches!(o, Op::Remove { .. })) && !ops.is_empty(), "{ops:?}");
        let Understood::Edit(ops) = read("haunted_castle_midnight", "mehr Nebel") else { panic!() };
        assert!(matches!(ops[..], [Op::Level { of: Level::Fog, .. }]), "{ops:?}");
    }

    #[test]
    fn questions_chat_and_new_scenarios_are_not_edits() {
        assert!(matches!(read("pirate_seven_seas", "how many ships are there?"), Understood::Nothing(_)));
        assert!(matches!(read("farm", "blibber the frobnitz"), Understood::Nothing(_)));
        assert_eq!(read("farm", "take me to the moon"), Understood::NewScenario);
        assert_eq!(read("farm", "undo"), Understood::Undo);
        assert_eq!(read("farm", "annule"), Understood::Undo);
    }

    #[test]
    fn the_edit_prompts_parse() {
        for name in ["action", "referent", "music"] {
            let (q, _) = question(name);
            assert!(q.starts_with(' '), "{name}");
        }
        for (v, _) in question("music").1 {
            assert!(parse::<MusicMood>(&v).is_some(), "{v}");
        }
    }
}
