//! Why each part of a composed scene is there: the place and the candidates it won over, each
//! entity's reason, each setting value's. `sayscape generate --explain` prints it; a test reads
//! it to check that nothing in a scene is unexplained.

use std::fmt;

use serde::Serialize;

use super::place::Candidate;
use crate::scene::Scene;

/// Why a part of the scene is there.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "because", content = "detail", rename_all = "snake_case")]
pub enum Reason {
    /// The request names it, in these words.
    Named(String),
    /// The place's kit holds it.
    Kit(String),
    /// The scenario template it comes from.
    Template(String),
    /// The model wrote it for the request (this noun).
    Written(String),
    /// A named thing implies it (a rider implies a horse): the thing.
    Implied(String),
    /// A situation brings it.
    Situation(String),
    /// The ground's own scenery (trees, rocks), from this template's world.
    Scenery(String),
    /// The model's likelihoods favour it (a setting value the request makes most likely).
    Ranked(f32),
    /// Nothing asked for it: the place's default.
    #[default]
    Default,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Named(words) => write!(f, "named “{words}”"),
            Reason::Kit(place) => write!(f, "kit {place}"),
            Reason::Template(name) => write!(f, "template {name}"),
            Reason::Written(noun) => write!(f, "written by the model: “{noun}”"),
            Reason::Implied(by) => write!(f, "implied by {by}"),
            Reason::Situation(s) => write!(f, "situation {s}"),
            Reason::Scenery(t) => write!(f, "scenery of {t}"),
            Reason::Ranked(lift) => write!(f, "ranked ({lift:+.1} nats)"),
            Reason::Default => write!(f, "default"),
        }
    }
}

/// Why a composed scene is as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Explanation {
    /// The place chosen, in words ("kit emergency_department").
    pub place: String,
    /// The places considered, best first, with their scores and evidence.
    pub candidates: Vec<Candidate>,
    /// Entity id → why it is there.
    pub entities: Vec<(String, Reason)>,
    /// Setting field → value and why.
    pub setting: Vec<(String, String, Reason)>,
    /// The situations composed onto the place.
    pub situations: Vec<(String, Reason)>,
    /// Why the person has the role they have.
    pub player_role: Reason,
    /// Why the person stands where they stand (on what, in which seat).
    pub player_place: Option<(String, Reason)>,
    /// What was composed but could not be in the finished scene, and why.
    pub dropped: Vec<(String, String)>,
}

impl Explanation {
    /// Forgets the reasons of entities the scene no longer has (merged, dropped).
    pub fn forget_missing(&mut self, scene: &Scene) {
        self.entities.retain(|(id, _)| scene.entities.iter().any(|e| &e.id == id));
    }

    /// The reason of an entity.
    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.entities.iter().find(|(e, _)| e == id).map(|(_, r)| r)
    }

    /// The explanation as lines for a person, against the scene it explains.
    pub fn lines(&self, scene: &Scene) -> Vec<String> {
        let mut out = vec![format!("place: {}", self.place)];
        let shown: Vec<String> = self.candidates.iter().take(6).map(|c| format!("{} {:.1} ({})", c.name, c.score, c.evidence)).collect();
        if !shown.is_empty() {
            out.push(format!("  candidates: {}", shown.join("; ")));
        }
        for (field, value, why) in &self.setting {
            out.push(format!("{field}: {value} ({why})"));
        }
        for (s, why) in &self.situations {
            out.push(format!("situation: {s} ({why})"));
        }
        out.push(format!("player: {} ({})", scene.player.role, self.player_role));
        if let Some((on, why)) = &self.player_place {
            out.push(format!("  on {on} ({why})"));
        }
        for e in &scene.entities {
            let why = self.reason(&e.id).map_or("unexplained".to_string(), |r| r.to_string());
            out.push(format!("  {:<24} {:>4} × {:<22} {why}", e.id, e.count, e.kind));
        }
        for (id, why) in &self.dropped {
            out.push(format!("  dropped {id}: {why}"));
        }
        out
    }
}
