//! The things a request names or implies, as the model writes them (short English nouns,
//! whatever the request's language), resolved to what the world can build: a catalog kind
//! (its name or any synonym), else a form whose family, size, colour and parts the model's
//! likelihoods choose. A noun that resolves to neither is dropped, never guessed at.

use super::GenerateError;
use super::llama::LocalModel;
use crate::scene::form::{Family, Form, Part, Pattern, part_name};
use crate::scene::{Catalog, Color};

/// A noun the model wrote, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Thing {
    /// A catalog kind.
    Kind(String),
    /// A noun the catalog lacks (as a kind name) and the form chosen for it.
    New(String, Form),
}

/// What a noun is "a kind of", and the family (with any parts or proportions that kind
/// implies) that builds it. Common one-word classes are what a small model knows best.
/// (phrase, family, parts it implies, proportions it implies).
type Class = (&'static str, Family, &'static [Part], &'static [(&'static str, f32)]);

const CLASSES: [Class; 24] = [
    (" animal", Family::Quadruped, &[], &[]),
    (" mammal", Family::Quadruped, &[], &[]),
    (" reptile", Family::Quadruped, &[], &[("height", 0.25), ("tail", 1.0), ("legs", 0.3)]),
    (" person", Family::Humanoid, &[], &[]),
    (" warrior", Family::Humanoid, &[Part::Helmet, Part::Sword, Part::Shield], &[]),
    (" bird", Family::Bird, &[], &[]),
    (" fish", Family::Fish, &[], &[]),
    (" sea creature", Family::Fish, &[], &[]),
    (" insect", Family::Insect, &[], &[]),
    (" snake", Family::Dragon, &[], &[("legs", 0.0), ("wings", 0.0)]),
    (" dragon", Family::Dragon, &[Part::Horns], &[]),
    (" monster", Family::Dragon, &[Part::Horns, Part::Spikes], &[("wings", 0.0), ("legs", 2.0)]),
    (" boat", Family::Boat, &[], &[]),
    (" aircraft", Family::Aircraft, &[], &[]),
    (" vehicle", Family::Vehicle, &[], &[]),
    (" train", Family::Vehicle, &[Part::Funnel], &[("cars", 4.0)]),
    (" spacecraft", Family::Spacecraft, &[], &[]),
    (" building", Family::Building, &[], &[]),
    (" tree", Family::Plant, &[], &[]),
    (" flower", Family::Plant, &[Part::Flower], &[]),
    (" plant", Family::Plant, &[Part::Bush], &[]),
    (" tool", Family::Prop, &[], &[]),
    (" piece of furniture", Family::Prop, &[], &[]),
    (" musical instrument", Family::Prop, &[], &[]),
];

/// Sizes in units of the family's typical size.
const SIZES: [(&str, f32); 5] = [(" tiny", 0.25), (" small", 0.6), (" of ordinary size", 1.0), (" big", 1.8), (" huge", 4.0)];

const COLORS: [(Color, &str); 12] = [
    (Color::Grey, " grey"),
    (Color::Brown, " brown"),
    (Color::Black, " black"),
    (Color::White, " white"),
    (Color::Red, " red"),
    (Color::Orange, " orange"),
    (Color::Yellow, " yellow"),
    (Color::Green, " green"),
    (Color::Blue, " blue"),
    (Color::Purple, " purple"),
    (Color::Pink, " pink"),
    (Color::Gold, " gold"),
];

/// The most parts a chosen form gets: the strongest few, not everything plausible.
const MAX_PARTS: usize = 3;

/// A part is given when the noun raises it at least this much over a thing in general (nats).
const PART_LIFT: f32 = 2.0;

/// A noun the catalog lacks is built only when the request makes it at least this much more
/// likely than a place in general does (nats): the model's list can wander ("dragon boat" for
/// a dragon flight); what the request really implies stands out.
const NEW_NOUN_LIFT: f32 = 2.0;
const UNSAID_NOUN_LIFT: f32 = 6.0;

/// The noun every choice is compared with, so a choice is what the noun makes likely, not
/// what the question makes likely for anything ("a bird" is a likely ending for any noun).
const NEUTRAL_NOUN: &str = "thing";

/// A noun as a kind name: lower-case ASCII words joined by underscores ("sea turtle" →
/// "sea_turtle"); none when it holds no letters or is not a short noun phrase.
pub fn kind_name(noun: &str) -> Option<String> {
    let words: Vec<String> =
        noun.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase()).collect();
    let ok = !words.is_empty() && words.len() <= 3 && words.iter().any(|w| w.chars().any(|c| c.is_ascii_alphabetic()));
    ok.then(|| words.join("_"))
}

/// The catalog kind a noun names, trying it as written, in the singular and in the plural
/// (synonyms are often written in the plural: "fans").
pub fn catalog_kind(noun: &str) -> Option<&'static str> {
    let catalog = Catalog::builtin();
    let name = kind_name(noun)?;
    let forms = [
        Some(name.clone()),
        name.strip_suffix("ies").map(|s| format!("{s}y")),
        name.strip_suffix("es").map(str::to_string),
        name.strip_suffix('s').map(str::to_string),
        Some(format!("{name}s")),
    ];
    forms.into_iter().flatten().find_map(|n| catalog.resolve(&n)).map(|k| k.kind.as_str())
}

/// Nouns that are not things one sees standing in a place: the setting's words (rain, night,
/// sea: the lexicon knows them) and a few abstract ones the model likes to write.
fn is_thing(noun: &str) -> bool {
    const ABSTRACT: &[&str] = &[
        "air",
        "sky",
        "day",
        "night",
        "life",
        "time",
        "world",
        "place",
        "view",
        "scene",
        "experience",
        "adventure",
        "dream",
        "fun",
        "music",
        "sound",
        "light",
        "wind",
        "weather",
        "land",
        "ground",
        "water",
        "nature",
        "story",
        "journey",
        "trip",
        "game",
        "war",
        "battle",
        "fight",
        "party",
        "show",
        "dance",
        "song",
        "peace",
        "love",
        "history",
        "memory",
        "rainy_day",
        "sunny_day",
    ];
    // "-ing" words are mostly activities (canoeing, sightseeing), not things.
    const THINGS_IN_ING: &[&str] = &["building", "painting", "ring", "wing", "king", "swing", "sling", "string", "ceiling", "railing"];
    let activity = noun.len() > 5 && noun.ends_with("ing") && !THINGS_IN_ING.iter().any(|t| noun.ends_with(t));
    // A noun that names a setting value, a place or a situation ("rain", "office", "fire") is
    // not a thing to build; one that merely hints at a place ("cashier") is.
    let names_setting = crate::lexicon::lexicon()
        .named(&noun.replace('_', " "))
        .iter()
        .any(|(field, _)| *field != "kind" && *field != crate::lexicon::PLACE_HINT);
    // A letter or two is a word cut short (the model ran out of tokens), not a thing.
    let fragment = noun.chars().filter(|c| c.is_alphabetic()).count() < 3;
    !ABSTRACT.contains(&noun) && !activity && !names_setting && !fragment
}

/// Resolves each noun: a catalog kind when one matches, else (when the request implies it
/// strongly enough) a form chosen by the model. `request_context` and `neutral_context` are
/// the ranking's context sentences for the request and for a place in general.
pub fn resolve(
    model: &mut LocalModel,
    request_text: &str,
    request_context: &str,
    neutral_context: &str,
    nouns: &[String],
) -> Result<Vec<Thing>, GenerateError> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for noun in nouns {
        match catalog_kind(noun) {
            Some(kind) => {
                let thing = Thing::Kind(kind.to_string());
                if !out.contains(&thing) {
                    tracing::debug!("thing {noun:?} → {thing:?}");
                    out.push(thing);
                }
            }
            None => unknown.extend(kind_name(noun).filter(|n| is_thing(n) && !unknown.contains(n))),
        }
    }
    if unknown.is_empty() {
        return Ok(out);
    }
    let question = " In that place you can see a";
    let phrases: Vec<String> = unknown.iter().map(|n| format!(" {}", n.replace('_', " "))).collect();
    let asked = model.score(request_context, &[(question, phrases.clone())])?;
    let neutral = model.score(neutral_context, &[(question, phrases)])?;
    let said = crate::lexicon::words(request_text);
    for ((name, r), n) in unknown.iter().zip(&asked[0]).zip(&neutral[0]) {
        // A noun the request does not say (the model's translation or its own idea) must be
        // strongly implied; one it says needs less.
        let in_request = name.split('_').any(|w| w.len() >= 4 && said.iter().any(|s| s.len() >= 4 && s[..4] == w[..4]));
        let needed = if in_request { NEW_NOUN_LIFT } else { UNSAID_NOUN_LIFT };
        if r - n < needed {
            tracing::debug!("thing {name:?} dropped: the request lifts it {:.1} nats, {needed} needed", r - n);
            continue;
        }
        let form = choose_form(model, request_context, &name.replace('_', " "))?;
        tracing::debug!("thing {name:?} → {form:?}");
        out.push(Thing::New(name.clone(), form));
    }
    Ok(out)
}

/// The most likely of each choice for a noun: family, size and colour first, then the parts
/// its family may have (those the model finds likelier than nothing special).
fn choose_form(model: &mut LocalModel, request_context: &str, noun: &str) -> Result<Form, GenerateError> {
    let classes: Vec<String> = CLASSES.iter().map(|(p, ..)| p.to_string()).collect();
    let sizes: Vec<String> = SIZES.iter().map(|(p, _)| p.to_string()).collect();
    let colors: Vec<String> = COLORS.iter().map(|(_, p)| p.to_string()).collect();
    // Every family's parts are asked at once (one pass), and only the chosen family's kept.
    let all_parts: Vec<Part> = {
        let mut v: Vec<Part> = Family::ALL.iter().flat_map(|f| f.parts().iter().copied()).collect();
        v.sort();
        v.dedup();
        v
    };
    let part_phrases: Vec<String> = all_parts.iter().map(|p| format!(" {}", part_name(*p).replace('_', " "))).collect();
    let lifts = calibrated(model, request_context, noun, |n| {
        vec![
            (format!(" A {n} is a kind of"), classes.clone()),
            (format!(" The {n} is usually"), sizes.clone()),
            (format!(" The colour of the {n} is"), colors.clone()),
            (format!(" The {n} has"), part_phrases.clone()),
        ]
    })?;
    let (_, family, class_parts, class_shape) = CLASSES[best(&lifts[0])];
    let size = family.typical_size() * SIZES[best(&lifts[1])].1;
    let color = COLORS[best(&lifts[2])].0.rgb();
    let mut parts = class_parts.to_vec();
    if parts.is_empty() {
        // Parts the noun makes clearly likelier than a thing in general does.
        let allowed = family.parts();
        let mut ranked: Vec<(Part, f32)> =
            all_parts.iter().copied().zip(lifts[3].iter().copied()).filter(|(p, v)| allowed.contains(p) && *v > PART_LIFT).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        parts = ranked.into_iter().take(MAX_PARTS).map(|(p, _)| p).collect();
    }
    Ok(Form {
        family,
        size,
        shape: class_shape.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        parts,
        pattern: Pattern::Plain,
        colors: vec![hex(color)],
        solids: Vec::new(),
        habitat: None,
    })
}

/// Scores of the questions `ask(noun)` for the noun, minus the same for [`NEUTRAL_NOUN`].
fn calibrated(
    model: &mut LocalModel,
    request_context: &str,
    noun: &str,
    ask: impl Fn(&str) -> Vec<(String, Vec<String>)>,
) -> Result<Vec<Vec<f32>>, GenerateError> {
    let mut per_noun = Vec::new();
    for n in [noun, NEUTRAL_NOUN] {
        let questions = ask(n);
        let borrowed: Vec<(&str, Vec<String>)> = questions.iter().map(|(q, o)| (q.as_str(), o.clone())).collect();
        per_noun.push(model.score(&format!("{request_context} In that place you can see a {n}."), &borrowed)?);
    }
    let (asked, neutral) = (&per_noun[0], &per_noun[1]);
    Ok(asked.iter().zip(neutral).map(|(a, n)| a.iter().zip(n).map(|(x, y)| x - y).collect()).collect())
}

fn best(scores: &[f32]) -> usize {
    scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i)
}

fn hex([r, g, b]: [f32; 3]) -> String {
    let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_become_kind_names_or_nothing() {
        assert_eq!(kind_name("Sea Turtle").as_deref(), Some("sea_turtle"));
        assert_eq!(kind_name("hot-air balloon").as_deref(), Some("hot_air_balloon"));
        assert_eq!(kind_name("   ").as_deref(), None);
        assert_eq!(kind_name("1234").as_deref(), None);
        assert_eq!(kind_name("a very long noun phrase here").as_deref(), None);
    }

    #[test]
    fn nouns_find_catalog_kinds_in_the_plural_and_by_synonym() {
        assert_eq!(catalog_kind("giraffes"), Some("giraffe"));
        assert_eq!(catalog_kind("foxes"), Some("fox"));
        assert_eq!(catalog_kind("pirate ship"), Some("sailing_ship"));
        assert_eq!(catalog_kind("zorblax"), None);
    }

    #[test]
    fn setting_words_and_abstract_nouns_are_not_things() {
        assert!(!is_thing("rain"));
        assert!(!is_thing("sunset"));
        assert!(!is_thing("air"));
        assert!(is_thing("saxophone"));
        assert!(!is_thing("canoeing"));
        assert!(is_thing("building"));
        assert!(!is_thing("k") && !is_thing("ox_") && is_thing("cat"));
        assert_eq!(catalog_kind("fan"), Some("crowd"));
    }

    #[test]
    fn colours_are_written_as_hex() {
        assert_eq!(hex([1.0, 0.0, 0.5]), "#ff0080");
        assert!(crate::scene::form::parse_hex(&hex(Color::Gold.rgb())).is_some());
    }
}
