//! Composition: a scene built from parts, never the nearest whole scenario forced onto a
//! request. The parts:
//!
//! - **the place** ([`place`]): a place kit the request names or implies (an office, an
//!   emergency department: `assets/places/`), a scenario template that fits it whole (a pirate's
//!   life at sea), a plain room of the purpose it names when no kit has one, or open ground;
//! - **what the place holds** ([`furnish`]): a kit's furniture, equipment and people with
//!   their activities, or a template's things, or nothing but what was asked for;
//! - **the setting** ([`setting`]): era, time, weather, terrain, sky and water where the request
//!   is explicit, else the place's;
//! - **the things the request names** ([`things`]): catalog kinds, nouns the model wrote, forms
//!   for what the catalog lacks, and what a named thing implies (a rider implies a horse);
//! - **what happens** ([`situation`]): a fire, an evacuation, a power cut… composed onto any
//!   place as things, sounds and beats;
//! - **where the person is** ([`seat`]): the central thing named wins ("un avion de chasse" puts
//!   the player in a fighter's cockpit, of the request's era).
//!
//! Every entity is there for a reason that [`Explanation`] records: named, kit, template,
//! written by the model, implied, a situation's. `sayscape generate --explain` prints it.
//! Composition is a pure function of what was read in the request (the model's part is done
//! before), so a property test can run it on thousands of mixed requests.

mod explain;
mod furnish;
mod place;
mod seat;
mod setting;
mod situation;
mod things;

pub use explain::{Explanation, Reason};
pub use place::{Candidate, Place};
pub use setting::EXPLICIT_SETTING;

use super::rank::Ranking;
use crate::scene::{Form, Scene, scene_from_value};

/// Free-text parts the model writes.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub title: String,
    pub role: String,
    /// The things the request names or implies, as short English nouns (whatever its language).
    pub things: Vec<String>,
    /// The place, as a short English noun phrase ("hospital emergency room"), or empty.
    pub place: String,
}

/// Everything generation read in a request.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub text: &'a str,
    pub ranking: &'a Ranking,
    /// What the request names outright, with the words that name it: (field, value, word span)
    /// in the order of the lexicon ([`crate::lexicon`]).
    pub spans: &'a [(&'a str, &'a str, (usize, usize))],
    pub written: &'a Written,
    /// How many of a kind the request asks for ("two knights", "a herd of elephants").
    pub counts: &'a [(String, u32)],
    /// Catalog kinds the model wrote as what the request shows ([`super::things`]).
    pub written_kinds: &'a [String],
    /// Things the catalog lacks, each with the form chosen for it.
    pub new_things: &'a [(String, Form)],
}

impl<'a> Asked<'a> {
    /// A request read only through its ranking and named words (tests, simple callers).
    pub fn plain(text: &'a str, ranking: &'a Ranking, spans: &'a [(&'a str, &'a str, (usize, usize))], written: &'a Written) -> Asked<'a> {
        Asked { text, ranking, spans, written, counts: &[], written_kinds: &[], new_things: &[] }
    }

    /// Whether the request names this value of a field.
    pub fn names(&self, field: &str, value: &str) -> bool {
        self.spans.iter().any(|(f, v, _)| *f == field && *v == value)
    }

    /// The values of a field the request names, in the order it says them, each once.
    pub fn named(&self, field: &str) -> Vec<&'a str> {
        let mut found: Vec<(&str, usize)> = self.spans.iter().filter(|(f, _, _)| *f == field).map(|(_, v, (a, _))| (*v, *a)).collect();
        found.sort_by_key(|(_, at)| *at);
        let mut out: Vec<&str> = Vec::new();
        for (v, _) in found {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The words of the request that name a value, for explanations.
    pub fn words_for(&self, field: &str, value: &str) -> String {
        let said = crate::lexicon::words(self.text);
        self.spans
            .iter()
            .find(|(f, v, _)| *f == field && *v == value)
            .map(|(_, _, (a, b))| said.get(*a..*b).map(|w| w.join(" ")).unwrap_or_default())
            .unwrap_or_default()
    }

    /// Whether a span of the request also names a situation (a "fire" is the situation's
    /// flames, not a campfire; "smoke" the situation's, not a kind of its own).
    pub fn is_situation_span(&self, span: (usize, usize)) -> bool {
        self.spans.iter().any(|(f, _, s)| *f == crate::lexicon::SITUATION && *s == span)
    }
}

/// A scene being composed, with why each of its parts is there.
#[derive(Debug, Clone)]
pub struct Draft {
    pub scene: Scene,
    pub why: Explanation,
}

impl Draft {
    fn new(scene: Scene) -> Draft {
        Draft { scene, why: Explanation::default() }
    }

    /// Records why the entity `id` is there.
    fn because(&mut self, id: &str, reason: Reason) {
        self.why.entities.retain(|(e, _)| e != id);
        self.why.entities.push((id.to_string(), reason));
    }

    /// Records why a setting field has its value.
    fn set_because(&mut self, field: &str, value: String, reason: Reason) {
        self.why.setting.retain(|(f, _, _)| f != field);
        self.why.setting.push((field.to_string(), value, reason));
    }
}

/// Why composition failed: a bug, never the request's fault (every request composes).
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the composed scene does not serialise")]
    Serialise(#[source] serde_json::Error),
    /// The scene failed validation; the source keeps every problem with its JSON path.
    #[error("the composed scene is invalid")]
    Invalid(#[source] crate::scene::SceneError),
}

/// The scene for a request, composed from parts, and why each part is there. The result
/// passes the same validation as a scene file.
pub fn compose(asked: &Asked) -> Result<(Scene, Explanation), ComposeError> {
    let spans = settle_common_words(asked);
    let asked = &Asked { spans: &spans, ..*asked };
    let choice = place::choose(asked);
    let mut draft = furnish::base(&choice.place, asked);
    draft.why.place = choice.describe();
    draft.why.candidates = choice.candidates;
    setting::apply(&mut draft, asked, &choice.place);
    things::add_asked(&mut draft, asked);
    situation::apply(&mut draft, asked);
    seat::seat_the_player(&mut draft, asked);
    things::apply_counts(&mut draft, asked);
    finish(&mut draft, asked);
    keep_what_can_be(&mut draft);
    let value = serde_json::to_value(&draft.scene).map_err(ComposeError::Serialise)?;
    let scene = scene_from_value(&value, "composed scene").map_err(ComposeError::Invalid)?;
    draft.why.forget_missing(&scene);
    Ok((scene, draft.why))
}

/// The request's spans, with the common words that name a kind settled by the era it names:
/// "a fighter plane in World War One", "un avion … pendant la Première Guerre mondiale" name
/// the biplane, the one kind those words may name that belongs to that era. Without a named
/// era, or with several kinds of it, they name nothing (the model's ranking decides).
fn settle_common_words<'a>(asked: &Asked<'a>) -> Vec<(&'a str, &'a str, (usize, usize))> {
    let mut spans = asked.spans.to_vec();
    let Some(era) = asked.named("era").first().copied() else { return spans };
    let catalog = crate::scene::Catalog::builtin();
    for (kinds, span) in crate::lexicon::lexicon().maybe_kinds(asked.text) {
        let of_era: Vec<&str> = kinds
            .into_iter()
            .filter(|k| catalog.get(k).and_then(|info| info.since).is_some_and(|since| crate::scene::value_name(&since) == era))
            .collect();
        if let [kind] = of_era[..] {
            spans.push(("kind", kind, span));
        }
    }
    spans
}

/// The last word on consistency: an entity the finished scene cannot hold (a ship when a named
/// terrain took the sea away, a thing on something that carries nothing) is dropped with what
/// depends on it, and the explanation says so; the rest of the scene stands.
fn keep_what_can_be(draft: &mut Draft) {
    let catalog = crate::scene::Catalog::builtin();
    for _ in 0..8 {
        let problems = crate::scene::validate::check_semantics(&draft.scene, catalog);
        let mut gone = std::collections::HashSet::new();
        for p in &problems {
            let Some(i) = p.path.strip_prefix("$.entities[").and_then(|r| r.split(']').next()).and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            if let Some(e) = draft.scene.entities.get(i)
                && draft.scene.player.on.as_deref() != Some(e.id.as_str())
                && gone.insert(e.id.clone())
            {
                tracing::debug!("dropped {}: {}", e.id, p.message);
                draft.why.dropped.push((e.id.clone(), p.message.clone()));
            }
        }
        if gone.is_empty() {
            return;
        }
        // What stood relative to a dropped thing stays, placed anywhere; what stood on it goes.
        let scene = &mut draft.scene;
        for e in &mut scene.entities {
            let refers = e.placement.target.as_ref().is_some_and(|t| gone.contains(t));
            if refers && (e.placement.relation != crate::scene::Relation::On || scene.player.on.as_deref() == Some(e.id.as_str())) {
                e.placement = crate::scene::Placement::default();
            }
        }
        crate::scene::change::remove_entities(scene, gone);
    }
}

/// The title, the player's role and the request, last.
fn finish(draft: &mut Draft, asked: &Asked) {
    let scene = &mut draft.scene;
    scene.prompt = asked.text.trim().to_string();
    let title = asked.written.title.trim();
    scene.title = if title.is_empty() { title_from(asked.text) } else { title.to_string() };
    // The model's role for the person when it wrote one that names a person; else the place's.
    let role = asked.written.role.trim();
    if !role.is_empty() && role.len() <= 40 {
        scene.player.role = role.to_string();
        draft.why.player_role = Reason::Written(role.to_string());
    }
}

/// "Pirate Captain!" → "pirate_captain".
pub fn snake_case(text: &str) -> String {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(3).map(|w| w.to_lowercase()).collect();
    words.join("_")
}

/// A title from the request when the model wrote none: its first words, capitalised.
pub fn title_from(request: &str) -> String {
    let words: Vec<&str> = request.split_whitespace().take(10).collect();
    let mut t = words.join(" ");
    if let Some(first) = t.get(..1) {
        t = first.to_uppercase() + &t[1..];
    }
    if t.is_empty() { "Untitled scene".into() } else { t }
}

#[cfg(test)]
mod tests;
