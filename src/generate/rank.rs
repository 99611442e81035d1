//! Likelihood ranking of every enumerated choice of a scene (kinds, terrain, time of day…).
//!
//! Each option is scored by log P(option | request) − log P(option | neutral request): what the
//! request makes more likely than a place in general. Small models are poor at writing a
//! whole scene but good at this, in any language the model has read.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::scene::Catalog;

const RANK_PROMPTS: &str = include_str!("../../prompts/rank.json");

/// One question of the ranking: (scene field, question text, [(scene value, phrase)]).
pub type OptionList = (String, String, Vec<(String, String)>);

/// The prompt texts of `prompts/rank.json`.
#[derive(Debug, Deserialize)]
pub struct RankPrompts {
    pub prefix: String,
    pub context: String,
    pub neutral_request: String,
    /// The prompt for the free-text parts; `{request}` is the context sentence.
    pub write: String,
    pub questions: BTreeMap<String, Question>,
}

#[derive(Debug, Deserialize)]
pub struct Question {
    pub question: String,
    /// Scene value → phrase, or "templates" for the kinds of the scenario library.
    pub options: Options,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Options {
    Kinds(String),
    Phrases(BTreeMap<String, String>),
}

/// Words to put inside a prompt's double quotes: their own double quotes become single ones
/// and control characters spaces, so they cannot close the quotation early.
pub fn quotable(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| {
            if c == '"' {
                '\''
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The phrase a kind is scored as.
fn kind_phrase(kind: &str) -> String {
    format!(" {}", kind.replace('_', " "))
}

impl RankPrompts {
    pub fn builtin() -> RankPrompts {
        serde_json::from_str(RANK_PROMPTS).expect("prompts/rank.json is checked by the tests")
    }

    /// The context sentence for a request. Quotes inside the request are softened so the
    /// request cannot close the quotation early.
    pub fn context_for(&self, request: &str) -> String {
        self.context.replace("{request}", &quotable(request))
    }

    /// Questions in a fixed order, each with (scene value, phrase) options.
    pub fn option_lists(&self) -> Vec<OptionList> {
        self.questions
            .iter()
            .map(|(field, q)| {
                let options = match &q.options {
                    Options::Phrases(map) => map.iter().map(|(v, p)| (v.clone(), p.clone())).collect(),
                    // The scenario library's kinds: the ranking does not grow with the catalog; other
                    // kinds are scored only when their group is raised ([`RankPrompts::kind_pool`]).
                    Options::Kinds(_) => super::template::library_kinds().iter().map(|k| (k.clone(), kind_phrase(k))).collect(),
                };
                (field.clone(), q.question.clone(), options)
            })
            .collect()
    }
}

impl RankPrompts {
    /// Every catalog kind as an option of the kind question: the pool the second stage of the
    /// ranking draws from, by group.
    pub fn kind_pool(&self) -> OptionList {
        let question = self.questions.get("kind").map(|q| q.question.clone()).unwrap_or_default();
        ("kind".into(), question, Catalog::builtin().kinds().iter().map(|k| (k.kind.clone(), kind_phrase(&k.kind))).collect())
    }
}

/// The catalog kinds of the groups a ranking raises most (at most `groups` groups whose lift
/// is at least `min_lift`), for the second stage of the ranking.
pub fn kinds_of_raised_groups(ranking: &Ranking, groups: usize, min_lift: f32) -> Vec<&'static str> {
    let raised: Vec<&str> = ranking.ranked("group").iter().take(groups).filter(|(_, l)| *l >= min_lift).map(|(g, _)| g.as_str()).collect();
    Catalog::builtin().kinds().iter().filter(|k| k.tags.iter().any(|t| raised.contains(&t.as_str()))).map(|k| k.kind.as_str()).collect()
}

/// Options of every field, best first, with their scores.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    pub fields: BTreeMap<String, Vec<(String, f32)>>,
}

impl Ranking {
    /// Combines request and neutral log-probabilities (same shape) into a ranking.
    pub fn from_scores(lists: &[OptionList], request: &[Vec<f32>], neutral: &[Vec<f32>]) -> Ranking {
        let mut fields = BTreeMap::new();
        for ((field, _, options), (req, neu)) in lists.iter().zip(request.iter().zip(neutral)) {
            let mut ranked: Vec<(String, f32)> =
                options.iter().zip(req.iter().zip(neu)).map(|((v, _), (r, n))| (v.clone(), r - n)).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            fields.insert(field.clone(), ranked);
        }
        Ranking { fields }
    }

    pub fn ranked(&self, field: &str) -> &[(String, f32)] {
        self.fields.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The best value of a field.
    pub fn best(&self, field: &str) -> Option<&str> {
        self.ranked(field).first().map(|(v, _)| v.as_str())
    }

    /// A ranking written out by hand (tests): (field, [(value, lift)]), each list best first.
    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &[(&str, f32)])]) -> Ranking {
        let mut r = Ranking::default();
        for (field, options) in pairs {
            r.fields.insert(field.to_string(), options.iter().map(|(v, s)| (v.to_string(), *s)).collect());
        }
        r
    }

    /// How much the request raised one value of a field (nats); −∞ when it was not scored.
    pub fn lift(&self, field: &str, value: &str) -> f32 {
        self.ranked(field).iter().find(|(v, _)| v == value).map_or(f32::NEG_INFINITY, |(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_parse_and_name_only_real_scene_values() {
        let p = RankPrompts::builtin();
        let lists = p.option_lists();
        // The first stage scores the library's kinds, not the whole catalog.
        let kinds = lists.iter().find(|(f, _, _)| f == "kind").map(|(_, _, o)| o.len()).unwrap();
        assert!(kinds > 20 && kinds < Catalog::builtin().kinds().len() / 2, "{kinds}");
        assert_eq!(p.kind_pool().2.len(), Catalog::builtin().kinds().len());
        // Every phrase maps to a value the scene types accept.
        for (field, _, options) in &lists {
            for (value, _) in options {
                let v = serde_json::Value::String(value.clone());
                let ok = match field.as_str() {
                    "kind" => true,
                    "indoor" => value == "indoors" || value == "outdoors",
                    "group" => Catalog::builtin().kinds().iter().any(|k| k.tags.contains(value)),
                    "terrain" => serde_json::from_value::<crate::scene::Terrain>(v).is_ok(),
                    "time_of_day" => serde_json::from_value::<crate::scene::TimeOfDay>(v).is_ok(),
                    "weather" => serde_json::from_value::<crate::scene::Weather>(v).is_ok(),
                    "water" => serde_json::from_value::<crate::scene::WaterKind>(v).is_ok(),
                    "vantage" => serde_json::from_value::<crate::scene::Vantage>(v).is_ok(),
                    "era" => serde_json::from_value::<crate::scene::Era>(v).is_ok(),
                    "music" => serde_json::from_value::<crate::scene::MusicMood>(v).is_ok(),
                    "sound" => serde_json::from_value::<crate::scene::SoundKind>(v).is_ok(),
                    other => panic!("unknown field {other}"),
                };
                assert!(ok, "{field}: {value}");
            }
        }
        assert!(p.context_for("a \"quoted\" place").contains("'quoted'"));
    }
}
