//! Every request composes into a valid scene. Requests are mixed at random from the lexicons of
//! six languages — places, situations, things, times, weathers, eras — with connecting words,
//! numbers, typos and noise; what the model would read and write for them (its ranking, its
//! nouns, the place it names, forms for unknown things) is random too. Composition is the part
//! of generation that builds the scene, so this runs it thousands of times without the model
//! (`tests/generate.rs` runs the whole generator on the embedded model).

use proptest::prelude::*;
use sayscape::generate::compose::{Asked, Written, compose};
use sayscape::generate::named::raise_named;
use sayscape::generate::rank::{RankPrompts, Ranking};
use sayscape::lexicon::lexicon;
use sayscape::scene::validate::check_semantics;
use sayscape::scene::{Catalog, Form};

/// Words that join the parts of a request, in six languages.
const GLUE: &[&str] = &[
    "and",
    "with",
    "in",
    "at",
    "a",
    "the",
    "I want to be in",
    "there is",
    "et",
    "avec",
    "dans",
    "un",
    "une",
    "je veux",
    "il y a",
    "y",
    "con",
    "en",
    "una",
    "quiero estar en",
    "und",
    "mit",
    "im",
    "ein",
    "eine",
    "ich will",
    "e",
    "con",
    "nel",
    "voglio",
    "com",
    "num",
    "quero estar em",
    "während",
    "pendant",
    "durante",
    "mentre",
    "while",
    "then",
    "puis",
    "dann",
    "poi",
    "depois",
];
const NUMBERS: &[&str] = &["2", "3", "12", "40", "1000", "two", "trois", "cinco", "zehn", "venti", "dois", "hundreds", "a dozen"];
const NOISE: &[&str] = &["!!", "...", "euh", "hmm", "lol", "😀", "—", "#", "ok so", "(", ")", "¿", "«", "»", "1917", "2077", "1500"];

/// Every phrase of the lexicon, as text.
fn phrases() -> Vec<String> {
    lexicon().entries().flat_map(|(_, _, ps)| ps.iter().map(|p| p.join(" "))).collect()
}

fn typo(word: &str, how: u8) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return word.to_string();
    }
    let i = (how as usize) % (chars.len() - 1);
    match how % 3 {
        0 => {
            chars.remove(i);
        }
        1 => chars.swap(i, i + 1),
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

/// A request: 1–6 parts, each a lexicon phrase (sometimes misspelt), a number, noise or glue.
fn request() -> impl Strategy<Value = String> {
    let all = phrases();
    let part = (0..all.len(), 0usize..GLUE.len(), 0usize..NUMBERS.len(), 0usize..NOISE.len(), 0u8..10, any::<u8>());
    prop::collection::vec(part, 1..7).prop_map(move |parts| {
        let mut text = Vec::new();
        for (p, g, n, x, pick, how) in parts {
            match pick {
                0..=4 => text.push(all[p].clone()),
                5 => text.push(typo(&all[p], how)),
                6 => text.push(NUMBERS[n].to_string()),
                7 => text.push(NOISE[x].to_string()),
                _ => text.push(GLUE[g].to_string()),
            }
        }
        text.join(" ")
    })
}

/// What the model would rank: random lifts for random options of every question.
fn ranking() -> impl Strategy<Value = Ranking> {
    let lists = RankPrompts::builtin().option_lists();
    let picks = prop::collection::vec((0..lists.len(), any::<u16>(), -4.0f32..9.0), 0..30);
    picks.prop_map(move |picks| {
        let mut r = Ranking::default();
        for (l, o, lift) in picks {
            let (field, _, options) = &lists[l];
            let value = &options[o as usize % options.len()].0;
            let values = r.fields.entry(field.clone()).or_default();
            if !values.iter().any(|(v, _)| v == value) {
                values.push((value.clone(), lift));
            }
        }
        for values in r.fields.values_mut() {
            values.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        r
    })
}

/// What the model would write: a title, a role, up to three kinds, a place, and up to two
/// nouns the catalog lacks with forms taken from catalog kinds.
fn written() -> impl Strategy<Value = (Written, Vec<String>, Vec<(String, Form)>)> {
    let kinds: Vec<String> = Catalog::builtin().kinds().iter().map(|k| k.kind.clone()).collect();
    let forms: Vec<Form> = Catalog::builtin().kinds().iter().filter_map(|k| k.form.clone()).collect();
    let all = phrases();
    (
        "[A-Za-z ]{0,30}",
        "[a-z_]{0,20}",
        prop::collection::vec(0..kinds.len(), 0..4),
        prop::option::of(0..all.len()),
        prop::collection::vec(("[a-z]{3,10}", 0..forms.len()), 0..3),
    )
        .prop_map(move |(title, role, things, place, new)| {
            let things: Vec<String> = things.into_iter().map(|i| kinds[i].clone()).collect();
            let written = Written {
                title,
                role,
                things: things.iter().map(|k| k.replace('_', " ")).collect(),
                place: place.map(|i| all[i].clone()).unwrap_or_default(),
            };
            let new: Vec<(String, Form)> = new.into_iter().map(|(noun, f)| (format!("new_{noun}"), forms[f].clone())).collect();
            (written, things, new)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_request_composes_into_a_valid_scene(text in request(), ranking in ranking(), (written, kinds, new) in written()) {
        let mut ranking = ranking;
        let spans = lexicon().read(&text);
        let named: Vec<(&str, &str)> = spans.iter().map(|(f, v, _)| (*f, *v)).collect();
        raise_named(&mut ranking, &named);
        let counts = lexicon().counts(&text);
        let asked = Asked { text: &text, ranking: &ranking, spans: &spans, written: &written, counts: &counts, written_kinds: &kinds, new_things: &new };
        let (scene, why) = match compose(&asked) {
            Ok(done) => done,
            Err(e) => panic!("“{text}”: {}", sayscape::errors::chain(&e)),
        };
        let problems = check_semantics(&scene, Catalog::builtin());
        prop_assert!(problems.is_empty(), "“{}”: {:?}", text, problems);
        for e in &scene.entities {
            prop_assert!(why.reason(&e.id).is_some(), "“{}”: {} ({}) is unexplained", text, e.id, e.kind);
        }
        // The planner lays every composed scene out.
        let layout = sayscape::plan::lay_out(&scene, 1);
        prop_assert!(layout.spawn.position.iter().all(|c| c.is_finite()), "“{}”: the spawn is not a place", text);
    }
}

#[test]
fn a_polar_bear_on_the_pack_ice_composes() {
    // Once exited 1: a template with boats and a dock but no water.
    let text = "un ours polaire sur la banquise";
    let spans = lexicon().read(text);
    let mut ranking = Ranking::default();
    let named: Vec<(&str, &str)> = spans.iter().map(|(f, v, _)| (*f, *v)).collect();
    raise_named(&mut ranking, &named);
    let written = Written::default();
    let asked = Asked { text, ranking: &ranking, spans: &spans, written: &written, counts: &[], written_kinds: &[], new_things: &[] };
    let (scene, _) = compose(&asked).unwrap();
    assert!(scene.entities.iter().any(|e| e.kind == "polar_bear"));
    assert!(check_semantics(&scene, Catalog::builtin()).is_empty());
}
