//! The words around the values of an edit: what to do with them ("add", "enlève", "más",
//! "schneller"), colours, music moods, sounds and "in ten seconds", from
//! `assets/edit_words.json`. Values themselves (a time, a weather, a catalog kind) are read by
//! the generation's lexicon ([`crate::generate::named`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::lexicon::{count_word, occurrences, words};

const EDIT_WORDS: &str = include_str!("../../assets/edit_words.json");

/// What an instruction asks to do, by its verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Add,
    Remove,
    More,
    Fewer,
    Faster,
    Slower,
    Stand,
    Music,
    Hear,
    Stop,
    Undo,
    Redo,
    NewScenario,
    Cheer,
    Vanish,
    Appear,
    /// "make it", "fais", "mach": a change is asked for, of whatever follows.
    Change,
    /// "play", "joue", "spiel": music, when a mood is said with it.
    Play,
    /// "I want", "j'aimerais", "vorrei": a wish; adds what it names, but names nothing itself.
    Want,
    /// "double", "twice as many".
    Double,
}

pub use crate::scene::ops::Level;

type Map = BTreeMap<String, Vec<String>>;

#[derive(Debug, Deserialize)]
struct EditWords {
    format: String,
    actions: BTreeMap<Action, Vec<String>>,
    weather: Map,
    levels: BTreeMap<Level, Vec<String>>,
    up: Vec<String>,
    down: Vec<String>,
    colors: Map,
    paint: Vec<String>,
    music: Map,
    sounds: Map,
    time: Map,
    seconds: Vec<String>,
    minutes: Vec<String>,
    half: Vec<String>,
    another: Vec<String>,
    terrain_change: Vec<String>,
    question: Vec<String>,
    lightning: Vec<String>,
    skip: Vec<String>,
    location: Vec<String>,
    articles: Vec<String>,
    generic: Vec<Generic>,
    instead: Vec<String>,
    offtopic: Vec<String>,
    modal: Vec<String>,
    pronouns: Vec<String>,
    color_to: Vec<String>,
}

/// A word for any thing of a family ("boats", "les arbres", "Verkehr"): catalog tags, and the
/// habitat when the tags alone are too wide (a sailor carries the tag "ship").
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Generic {
    pub tags: Vec<String>,
    #[serde(default)]
    pub habitat: Option<crate::scene::Habitat>,
    words: Vec<String>,
}

/// Phrases as folded words.
type Phrases = Vec<Vec<String>>;

/// The edit lexicon, folded once.
pub struct Cues {
    actions: Vec<(Action, Phrases)>,
    weather: Vec<(String, Phrases)>,
    levels: Vec<(Level, Phrases)>,
    up: Phrases,
    down: Phrases,
    colors: Vec<(String, Phrases)>,
    paint: Phrases,
    music: Vec<(String, Phrases)>,
    sounds: Vec<(String, Phrases)>,
    time: Vec<(String, Phrases)>,
    seconds: Phrases,
    minutes: Phrases,
    half: Phrases,
    another: Phrases,
    terrain_change: Phrases,
    question: Phrases,
    lightning: Phrases,
    /// Words between a number and what it counts ("three *more* tanks").
    skip: Phrases,
    /// Words before a place ("near", "devant", "neben"), and the articles between.
    location: Phrases,
    articles: Phrases,
    generic: Vec<(Generic, Phrases)>,
    /// "instead of", "au lieu de": what follows is what the person does not want.
    instead: Phrases,
    /// Requests for an assistant, not for the world ("set an alarm", "rappelle-moi").
    offtopic: Phrases,
    /// "can you…", "pourrais-tu…": a question that is a request.
    modal: Phrases,
    /// Words before a colour that make it the colour to paint ("en rouge", "in red").
    color_to: Phrases,
}

/// What the words of one instruction say, besides the values the lexicon names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heard {
    pub actions: Vec<Action>,
    /// Weathers said with verbs the value lexicon lacks ("qu'il pleuve", "make it snow").
    pub weather: Vec<String>,
    /// Quantities of the setting said, each with its direction (true: up).
    pub levels: Vec<(Level, bool)>,
    /// The quantities named, with or without a direction, and the direction said (up: true).
    pub level_words: Vec<Level>,
    pub direction: Option<bool>,
    pub color: Option<String>,
    /// A colour verb ("paint").
    pub paint: bool,
    /// The colour is said as the one to paint ("les lanternes en rouge"), not to describe.
    pub color_targeted: bool,
    pub music: Option<String>,
    pub sounds: Vec<String>,
    pub time: Option<String>,
    /// "in ten seconds", "dans 30 secondes": when, in seconds.
    pub later: Option<f32>,
    /// "another", "un autre": one more.
    pub another: bool,
    pub terrain_change: bool,
    /// Asked as a question ("what time is it?"), not as a polite request ("can you…?").
    pub question: bool,
    pub lightning: bool,
    /// Family words said, with where: (family, start word).
    pub generic: Vec<(Generic, usize)>,
    /// Something asked of an assistant, not of the world.
    pub offtopic: bool,
}

impl Heard {
    pub fn has(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }

    /// Whether the words say when and nothing else ("in ten seconds, …").
    pub fn says_only_when(&self) -> bool {
        self.later.is_some()
            && self.actions.is_empty()
            && self.weather.is_empty()
            && self.levels.is_empty()
            && self.color.is_none()
            && self.music.is_none()
            && self.sounds.is_empty()
            && self.time.is_none()
            && self.generic.is_empty()
            && !self.lightning
    }
}

pub fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let file: EditWords = serde_json::from_str(EDIT_WORDS).expect("assets/edit_words.json is checked by the tests");
        assert_eq!(file.format, "sayscape.edit-words/1", "assets/edit_words.json: unknown format");
        let fold = |list: &[String]| list.iter().map(|p| words(p)).filter(|p| !p.is_empty()).collect::<Phrases>();
        let fold_map = |map: &Map| map.iter().map(|(k, v)| (k.clone(), fold(v))).collect::<Vec<_>>();
        // "slow them down", "take it away", "enlève-les": a pronoun may stand after a verb.
        let with_pronouns = |phrases: Phrases| {
            let mut out = phrases.clone();
            for p in phrases.iter().filter(|p| p.len() >= 2) {
                for pronoun in &file.pronouns {
                    let mut v = p.clone();
                    v.insert(1, pronoun.clone());
                    out.push(v);
                }
            }
            out
        };
        Cues {
            actions: file.actions.iter().map(|(a, v)| (*a, with_pronouns(fold(v)))).collect(),
            weather: fold_map(&file.weather),
            levels: file.levels.iter().map(|(l, v)| (*l, fold(v))).collect(),
            up: fold(&file.up),
            down: fold(&file.down),
            colors: fold_map(&file.colors),
            paint: fold(&file.paint),
            music: fold_map(&file.music),
            sounds: fold_map(&file.sounds),
            time: fold_map(&file.time),
            seconds: fold(&file.seconds),
            minutes: fold(&file.minutes),
            half: fold(&file.half),
            another: fold(&file.another),
            terrain_change: fold(&file.terrain_change),
            question: fold(&file.question),
            lightning: fold(&file.lightning),
            skip: fold(&file.skip),
            location: fold(&file.location),
            articles: fold(&file.articles),
            generic: file.generic.iter().map(|g| (g.clone(), fold(&g.words))).collect(),
            instead: fold(&file.instead),
            offtopic: fold(&file.offtopic),
            modal: fold(&file.modal),
            color_to: fold(&file.color_to),
        }
    })
}

/// Word spans where any of the phrases occurs.
fn spans(said: &[String], phrases: &Phrases) -> Vec<(usize, usize)> {
    phrases.iter().flat_map(|p| occurrences(said, p).into_iter().map(move |at| (at, at + p.len()))).collect()
}

fn says(said: &[String], phrases: &Phrases) -> bool {
    !spans(said, phrases).is_empty()
}

/// Like [`says`], and a one-word phrase of four letters or more also matches a word that
/// extends it by up to three letters: inflections ("rote", "fröhlicher", "tranquilas").
fn says_stem(said: &[String], phrases: &Phrases) -> bool {
    says(said, phrases) || phrases.iter().any(|p| p.len() == 1 && p[0].len() >= 4 && said.iter().any(|w| extends(w, &p[0])))
}

fn extends(word: &str, stem: &str) -> bool {
    word.len() > stem.len() && word.len() <= stem.len() + 3 && word.starts_with(stem)
}

/// The value whose phrase is found, exactly or as an inflection; the longest phrase wins.
fn named_stem(said: &[String], values: &[(String, Phrases)]) -> Option<String> {
    first_named(said, values).or_else(|| {
        values
            .iter()
            .find(|(_, ps)| ps.iter().any(|p| p.len() == 1 && p[0].len() >= 4 && said.iter().any(|w| extends(w, &p[0]))))
            .map(|(v, _)| v.clone())
    })
}

/// The value whose phrase found is the longest.
fn first_named(said: &[String], values: &[(String, Phrases)]) -> Option<String> {
    values
        .iter()
        .filter_map(|(v, ps)| spans(said, ps).iter().map(|(a, b)| b - a).max().map(|n| (v, n)))
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v.clone())
}

impl Cues {
    /// Reads an instruction. `masked` words (inside a catalog kind's name, "bonhomme de
    /// neige") name no weather, colour, sound or mood of their own.
    pub fn hear(&self, text: &str, masked: &[bool]) -> Heard {
        let said = words(text);
        let unwanted = self.unwanted(&said);
        let values: Vec<String> = said
            .iter()
            .enumerate()
            .map(|(i, w)| if masked.get(i).copied().unwrap_or(false) || unwanted[i] { String::new() } else { w.clone() })
            .collect();
        let named_all = |list: &[(String, Phrases)]| list.iter().filter(|(_, ps)| says(&values, ps)).map(|(v, _)| v.clone()).collect();
        // An action phrase inside a longer one says nothing of its own ("no more" is not "more").
        let found: Vec<(Action, (usize, usize))> =
            self.actions.iter().flat_map(|(a, ps)| spans(&said, ps).into_iter().map(move |s| (*a, s))).collect();
        let inside_longer = |(a, b): (usize, usize)| found.iter().any(|&(_, (c, d))| c <= a && b <= d && d - c > b - a);
        let mut actions: Vec<Action> = found.iter().filter(|(_, s)| !inside_longer(*s)).map(|(a, _)| *a).collect();
        actions.sort();
        actions.dedup();
        // "more fog", "lose the fog", "togli un po' di vento": the verbs say up or down too.
        let acts = |list: &[Action]| list.iter().any(|a| actions.contains(a));
        let down = says_stem(&said, &self.down) || acts(&[Action::Remove, Action::Stop, Action::Fewer]);
        let up = says_stem(&said, &self.up) || acts(&[Action::Add, Action::More]);
        // Quantities are often things' names too ("nuages"), but not inside a longer name
        // ("sea turtles" is no sea).
        let long_names: Vec<String> = said
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let masked_at = |j: usize| masked.get(j).copied().unwrap_or(false);
                let inside = masked_at(i) && (masked_at(i + 1) || i > 0 && masked_at(i - 1));
                if inside { String::new() } else { w.clone() }
            })
            .collect();
        let level_words: Vec<Level> = self.levels.iter().filter(|(_, ps)| says_stem(&long_names, ps)).map(|(l, _)| *l).collect();
        let direction = if down {
            Some(false)
        } else if up {
            Some(true)
        } else {
            None
        };
        let levels = direction.map_or(Vec::new(), |d| level_words.iter().map(|l| (*l, d)).collect());
        // "can you…", "ok so could we…", "in ten seconds can the bells ring?": a request.
        let polite = (0..5).any(|at| self.modal.iter().any(|p| said.get(at..).is_some_and(|rest| rest.starts_with(p))));
        let question = !polite
            && (text.trim_end().ends_with('?') || said.first().is_some_and(|w| self.question.iter().any(|p| p.len() == 1 && &p[0] == w)));
        Heard {
            actions,
            weather: named_all(&self.weather),
            levels,
            level_words,
            direction,
            color: named_stem(&values, &self.colors),
            color_targeted: self
                .colors
                .iter()
                .flat_map(|(_, ps)| spans(&values, ps))
                .any(|(at, _)| at > 0 && self.color_to.iter().any(|p| p.len() == 1 && p[0] == said[at - 1])),
            paint: says(&said, &self.paint),
            music: named_stem(&values, &self.music),
            sounds: self.sounds.iter().filter(|(_, ps)| says_stem(&said, ps)).map(|(v, _)| v.clone()).collect(),
            time: first_named(&values, &self.time),
            later: self.later(&said),
            another: says(&said, &self.another),
            terrain_change: says(&said, &self.terrain_change),
            question,
            lightning: says(&values, &self.lightning),
            generic: self.families(&said),
            offtopic: says(&said, &self.offtopic),
        }
    }

    /// Words after "instead of" (up to the end of the clause, four words at most): what the
    /// person wants gone, so they name no value to set ("calm music instead of all this rock").
    pub fn unwanted(&self, said: &[String]) -> Vec<bool> {
        let mut out = vec![false; said.len()];
        for (_, end) in spans(said, &self.instead) {
            for flag in out.iter_mut().skip(end).take(4) {
                *flag = true;
            }
        }
        out
    }

    /// The quantity a phrase is a word for ("nuages" → clouds), if any.
    pub fn level_of(&self, phrase: &[String]) -> Option<Level> {
        let exact = |p: &Vec<String>| p.len() == phrase.len() && !occurrences(phrase, p).is_empty();
        self.levels.iter().find(|(_, ps)| ps.iter().any(exact)).map(|(l, _)| *l)
    }

    /// Family words said, with where.
    pub fn families(&self, said: &[String]) -> Vec<(Generic, usize)> {
        self.generic.iter().flat_map(|(g, ps)| spans(said, ps).into_iter().map(move |(a, _)| (g.clone(), a))).collect()
    }

    /// Whether the words just before `at` say where ("near the tents", "devant la cabane"):
    /// then what follows is a place, not the thing the instruction acts on.
    pub fn is_place(&self, said: &[String], at: usize) -> bool {
        let is_article = |w: &String| self.articles.iter().any(|p| p.len() == 1 && &p[0] == w);
        let mut end = at;
        for _ in 0..3 {
            if self.location.iter().any(|p| end >= p.len() && said[end - p.len()..end] == p[..]) {
                return true;
            }
            match end.checked_sub(1) {
                Some(prev) if is_article(&said[prev]) => end = prev,
                _ => return false,
            }
        }
        false
    }

    /// The number said just before the words at `at` ("three more tanks", "une douzaine
    /// de mouettes"), over filler words.
    pub fn count_before(&self, said: &[String], at: usize) -> Option<u32> {
        for back in 1..=4 {
            let w = said.get(at.checked_sub(back)?)?;
            if let Some(n) = count_word(w) {
                return Some(n);
            }
            if !self.skip.iter().any(|p| p.len() == 1 && &p[0] == w) {
                return None;
            }
        }
        None
    }

    /// "in ten seconds", "dans 2 minutes", "in half a minute": a number before a unit of time.
    fn later(&self, said: &[String]) -> Option<f32> {
        let unit = |phrases: &Phrases, per: f32| {
            phrases.iter().flat_map(|p| occurrences(said, p)).find_map(|at| {
                let before = said.get(at.checked_sub(1)?)?;
                if let Some(n) = count_word(before) {
                    // "half a minute": "a" counts one, "half" before it halves it.
                    let halved = at >= 2 && self.half.iter().any(|h| h.last() == said.get(at - 2));
                    return Some(n as f32 * per * if halved { 0.5 } else { 1.0 });
                }
                self.half.iter().any(|h| h.last() == Some(before)).then_some(per * 0.5)
            })
        };
        unit(&self.seconds, 1.0).or_else(|| unit(&self.minutes, 60.0))
    }

    /// Words that are a colour, a mood or a sound: a value the lexicon reads in them (the
    /// weather "calme" in "musique calme") is not meant when painting, playing or listening.
    pub fn value_words(&self, heard: &Heard) -> Vec<&[String]> {
        let mut lists: Vec<&(String, Phrases)> = Vec::new();
        if heard.color.is_some() {
            lists.extend(&self.colors);
        }
        if heard.has(Action::Music) {
            lists.extend(&self.music);
        }
        if heard.has(Action::Hear) {
            lists.extend(&self.sounds);
        }
        lists.into_iter().flat_map(|(_, ps)| ps.iter().map(Vec::as_slice)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_words_name_real_values() {
        let c = cues();
        for (color, _) in &c.colors {
            assert!(serde_json::from_value::<crate::scene::Color>(serde_json::json!(color)).is_ok(), "colour {color}");
        }
        for (mood, _) in &c.music {
            assert!(serde_json::from_value::<crate::scene::MusicMood>(serde_json::json!(mood)).is_ok(), "music {mood}");
        }
        for (sound, _) in &c.sounds {
            assert!(serde_json::from_value::<crate::scene::SoundKind>(serde_json::json!(sound)).is_ok(), "sound {sound}");
        }
        for (weather, _) in &c.weather {
            assert!(serde_json::from_value::<crate::scene::Weather>(serde_json::json!(weather)).is_ok(), "weather {weather}");
        }
    }

    struct Probe(&'static Cues);
    impl Probe {
        fn hear(&self, text: &str) -> Heard {
            self.0.hear(text, &[])
        }
    }

    #[test]
    fn verbs_colours_and_times_in_several_languages() {
        let c = cues();
        let c = Probe(c);
        assert!(c.hear("Enlève les bateaux").has(Action::Remove));
        assert!(c.hear("más barcos y que llueva").has(Action::More));
        assert_eq!(c.hear("más barcos y que llueva").weather, vec!["rain".to_string()]);
        assert!(c.hear("Die Schiffe sollen schneller segeln").has(Action::Faster));
        assert_eq!(c.hear("paint the ship red").color.as_deref(), Some("red"));
        assert_eq!(c.hear("in ten seconds a dragon flies over").later, Some(10.0));
        assert_eq!(c.hear("dans 2 minutes, un orage").later, Some(120.0));
        assert_eq!(c.hear("joue une musique épique").music.as_deref(), Some("epic"));
        assert_eq!(c.hear("I want to hear birds").sounds, vec!["birds".to_string()]);
        assert!(c.hear("annule ça").has(Action::Undo));
        assert!(c.hear("take me to the moon").has(Action::NewScenario));
        assert!(!c.hear("make it night").has(Action::Remove));
        assert!(!c.hear("no more bats").has(Action::More), "a phrase inside a longer one");
        assert_eq!(c.hear("in half a minute another whale shows up").later, Some(30.0));
        assert_eq!(c.hear("un peu moins de brouillard").levels, vec![(Level::Fog, false)]);
        assert_eq!(c.hear("mehr Nebel").levels, vec![(Level::Fog, true)]);
        assert!(c.hear("Wie spät ist es?").question);
    }
}
