//! Words in six languages that name something outright: a setting value ("sunset", "coucher
//! du soleil", "Sonnenuntergang": `assets/words.json`), a catalog kind or one of its synonyms,
//! a place (the kits' names, `assets/places/`), and the counts said before them ("two
//! knights", "des milliers de fans"). Generation reads requests with it and edits read
//! instructions with it; it knows no model.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::scene::{Catalog, places, situations};

/// The field of a place's names (the kits' `names`), of its hints, and of situations.
pub const PLACE: &str = "place";
pub const PLACE_HINT: &str = "place_hint";
pub const SITUATION: &str = "situation";

const WORDS_JSON: &str = include_str!("../../assets/words.json");

#[derive(Debug, Deserialize)]
struct WordsFile {
    format: String,
    /// field → value → phrases.
    fields: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<String>>>,
    ambiguous: Vec<String>,
}

/// A phrase, as the folded words it is made of.
pub type Phrase = Vec<String>;

/// Phrases that name each value of each field, each catalog kind, place and situation.
#[derive(Debug)]
pub struct Lexicon {
    /// (field, value, phrases); field "kind" for catalog kinds, [`PLACE`], [`PLACE_HINT`] and
    /// [`SITUATION`] for the kits and situations.
    entries: Vec<(String, String, Vec<Phrase>)>,
    /// The catalog's synonyms too common to name a kind on their own ("plane", "fighter
    /// plane", "avion"), by kind: [`Lexicon::maybe_kinds`] finds them for the caller to settle.
    maybe: Vec<(String, Vec<Phrase>)>,
    /// Every phrase by its first word: (entry, phrase) indices. Reading a text looks up only
    /// the phrases that can start at each of its words, not the tens of thousands there are.
    by_first_word: HashMap<String, Vec<(usize, usize)>>,
}

/// The built-in lexicon (`assets/words.json`, the catalog, the place kits and the situations),
/// built once.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let file: WordsFile = serde_json::from_str(WORDS_JSON).expect("assets/words.json is checked by the tests");
        assert_eq!(file.format, "sayscape.words/1", "assets/words.json: unknown format");
        let mut entries = Vec::new();
        for (field, values) in &file.fields {
            for (value, phrases) in values {
                entries.push((field.clone(), value.clone(), phrases.iter().map(|p| words(p)).collect()));
            }
        }
        let ambiguous: HashSet<Phrase> = file.ambiguous.iter().map(|w| words(w)).collect();
        let mut maybe = Vec::new();
        for info in Catalog::builtin().kinds() {
            let names = std::iter::once(info.kind.replace('_', " ")).chain(info.synonyms.iter().cloned());
            let (unsure, phrases): (Vec<Phrase>, Vec<Phrase>) =
                names.map(|n| words(&n)).filter(|p| !p.is_empty()).partition(|p| ambiguous.contains(p));
            entries.push(("kind".into(), info.kind.clone(), phrases));
            if !unsure.is_empty() {
                maybe.push((info.kind.clone(), unsure));
            }
        }
        // Places and situations, in the six languages of their data; a place's hints (its
        // people, its typical things) are weaker evidence and a field of their own.
        let phrases_of = |by_language: &std::collections::BTreeMap<String, Vec<String>>| -> Vec<Phrase> {
            by_language.values().flatten().map(|p| words(p)).filter(|p| !p.is_empty() && !ambiguous.contains(p)).collect()
        };
        for kit in places::kits() {
            entries.push((PLACE.into(), kit.place.clone(), phrases_of(&kit.names)));
            if !kit.hints.is_empty() {
                entries.push((PLACE_HINT.into(), kit.place.clone(), phrases_of(&kit.hints)));
            }
        }
        for s in situations::situations() {
            entries.push((SITUATION.into(), s.situation.clone(), phrases_of(&s.names)));
        }
        let mut by_first_word: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (e, (_, _, phrases)) in entries.iter().enumerate() {
            for (p, phrase) in phrases.iter().enumerate() {
                if let Some(first) = phrase.first() {
                    by_first_word.entry(first.clone()).or_default().push((e, p));
                }
            }
        }
        Lexicon { entries, maybe, by_first_word }
    })
}

impl Lexicon {
    /// Every (field, value, phrases) entry: the setting words, the catalog's kinds, the places
    /// and the situations.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str, &[Phrase])> {
        self.entries.iter().map(|(f, v, p)| (f.as_str(), v.as_str(), p.as_slice()))
    }

    /// The (field, value) pairs a text names; a year ("in 1917") names its era.
    /// A phrase found inside a longer one the text says names nothing of its own: "aurore
    /// boréale" is the aurora, not the dawn ("aurore").
    pub fn named(&self, text: &str) -> Vec<(&str, &str)> {
        let mut named: Vec<(&str, &str)> = Vec::new();
        for (field, value, _) in self.read(text) {
            if !named.contains(&(field, value)) {
                named.push((field, value));
            }
        }
        named
    }

    /// Everything a text names, with the words that name it: [`Lexicon::named_spans`], and the
    /// era of each year it says ("in 1917": ww1).
    pub fn read(&self, text: &str) -> Vec<(&str, &str, (usize, usize))> {
        let mut found = self.named_spans(text);
        for (i, w) in words(text).iter().enumerate() {
            if let Some(era) = era_of_year(w) {
                found.push(("era", era, (i, i + 1)));
            }
        }
        found
    }

    /// Each value the text names with the word span that names it (start, end), in the
    /// lexicon's order; a span inside a longer one is left out.
    pub fn named_spans(&self, text: &str) -> Vec<(&str, &str, (usize, usize))> {
        let said = words(text);
        // Every place each entry's phrases occur, as word spans: the phrases that can start at
        // each word (it, or it without a plural -s, is their first word).
        let mut spans: Vec<(usize, (usize, usize))> = Vec::new();
        for at in 0..said.len() {
            let word = said[at].as_str();
            let keys = std::iter::once(word).chain(word.strip_suffix('s'));
            for &(e, p) in keys.filter_map(|k| self.by_first_word.get(k)).flatten() {
                let phrase = &self.entries[e].2[p];
                let end = at + phrase.len();
                if end <= said.len() && matches_at(&said[at..end], phrase) && !spans.contains(&(e, (at, end))) {
                    spans.push((e, (at, end)));
                }
            }
        }
        spans.sort();
        let inside_longer = |(a, b): (usize, usize)| spans.iter().any(|&(_, (c, d))| c <= a && b <= d && d - c > b - a);
        spans
            .iter()
            .filter(|(_, span)| !inside_longer(*span))
            .map(|&(e, span)| (self.entries[e].0.as_str(), self.entries[e].1.as_str(), span))
            .collect()
    }
}

impl Lexicon {
    /// The words of a text that may name a kind but are too common to name it alone ("a
    /// fighter plane", "un avion"): each word span with the kinds it may name. A span inside a
    /// longer one, or inside a phrase that names something outright, is left out.
    pub fn maybe_kinds(&self, text: &str) -> Vec<(Vec<&str>, (usize, usize))> {
        let said = words(text);
        let mut found: Vec<((usize, usize), &str)> = Vec::new();
        for (kind, phrases) in &self.maybe {
            for phrase in phrases {
                for at in occurrences(&said, phrase) {
                    found.push(((at, at + phrase.len()), kind.as_str()));
                }
            }
        }
        let named = self.named_spans(text);
        let covered = |(a, b): (usize, usize)| {
            named.iter().any(|(_, _, (c, d))| *c < b && a < *d) || found.iter().any(|&((c, d), _)| c <= a && b <= d && d - c > b - a)
        };
        let mut out: Vec<(Vec<&str>, (usize, usize))> = Vec::new();
        for &(span, kind) in &found {
            if covered(span) {
                continue;
            }
            match out.iter_mut().find(|(_, s)| *s == span) {
                Some((kinds, _)) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => out.push((vec![kind], span)),
            }
        }
        out.sort_by_key(|(_, span)| *span);
        out
    }

    /// How many of each named kind the request asks for, where it says so: "two knights",
    /// "a herd of elephants", "des milliers de fans", "una manada de cebras".
    pub fn counts(&self, text: &str) -> Vec<(String, u32)> {
        let said = words(text);
        let mut out: Vec<(String, u32)> = Vec::new();
        for (field, value, phrases) in &self.entries {
            if field != "kind" || out.iter().any(|(k, _)| k == value) {
                continue;
            }
            let at = phrases.iter().filter_map(|p| position(&said, p)).min();
            if let Some(n) = at.and_then(|at| count_before(&said, at)) {
                out.push((value.clone(), n));
            }
        }
        out
    }
}

/// The count a request gives just before the words at `at` (up to three words back, over
/// "of", "de", "di"…), in English, French, Spanish, German or Italian.
pub fn count_before(said: &[String], at: usize) -> Option<u32> {
    const LINKS: &[&str] = &[
        "of", "de", "des", "du", "d", "di", "dei", "degli", "delle", "von", "an", "la", "les", "los", "las", "big", "small", "grandes",
        "giant", "huge", "wild", "little",
    ];
    for back in 1..=4 {
        let w = said.get(at.checked_sub(back)?)?.as_str();
        if let Some(n) = count_word(w) {
            return Some(n);
        }
        if !LINKS.contains(&w) {
            return None;
        }
    }
    None
}

/// The number a word says: digits, number words, and words for a group of things.
pub fn count_word(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return (1..=2000).contains(&n).then_some(n);
    }
    Some(match word {
        "a" | "one" | "un" | "une" | "uno" | "una" | "ein" | "eine" | "einen" | "einem" | "einer" | "single" | "lone" => 1,
        "two" | "deux" | "dos" | "zwei" | "due" | "pair" | "couple" => 2,
        "three" | "trois" | "tres" | "drei" | "tre" => 3,
        "four" | "quatre" | "cuatro" | "vier" | "quattro" => 4,
        "five" | "cinq" | "cinco" | "funf" | "fuenf" | "cinque" => 5,
        "six" | "seis" | "sechs" => 6,
        "seven" | "sept" | "siete" | "sieben" | "sette" => 7,
        "eight" | "huit" | "ocho" | "acht" | "otto" => 8,
        "nine" | "neuf" | "nueve" | "neun" | "nove" => 9,
        "ten" | "dix" | "diez" | "zehn" | "dieci" => 10,
        "twelve" | "douze" | "doce" | "zwolf" | "dodici" | "dozen" | "douzaine" | "docena" | "dutzend" | "dozzina" => 12,
        "fifteen" | "quinze" | "quince" | "funfzehn" | "fuenfzehn" | "quindici" => 15,
        "twenty" | "vingt" | "veinte" | "zwanzig" | "venti" => 20,
        "thirty" | "trente" | "treinta" | "dreissig" | "trenta" => 30,
        "forty" | "quarante" | "cuarenta" | "vierzig" | "quaranta" => 40,
        "fifty" | "cinquante" | "cincuenta" | "funfzig" | "cinquanta" => 50,
        "sixty" | "soixante" | "sesenta" | "sechzig" | "sessanta" => 60,
        "few" | "quelques" | "algunos" | "algunas" | "einige" | "alcuni" | "alcune" => 3,
        "several" | "plusieurs" | "varios" | "varias" | "mehrere" | "diversi" | "diverse" => 5,
        "many" | "lots" | "lot" | "beaucoup" | "muchos" | "muchas" | "viele" | "molti" | "molte" | "dozens" | "douzaines" => 14,
        "pack" | "meute" | "rudel" | "jauria" => 7,
        "herd" | "troupeau" | "manada" | "rebano" | "herde" | "mandria" | "branco" => 12,
        "flock" | "swarm" | "nuee" | "vol" | "bandada" | "schwarm" | "stormo" | "sciame" | "enjambre" | "essaim" => 20,
        "school" | "banc" | "banco" | "shoal" => 30,
        "hundred" | "hundreds" | "cent" | "cents" | "centaines" | "cien" | "cientos" | "hundert" | "hunderte" | "cento" | "centinaia" => {
            200
        }
        "army" | "armee" | "ejercito" | "esercito" => 300,
        "crowd" | "foule" | "multitud" | "menge" | "folla" => 500,
        "thousand" | "thousands" | "mille" | "milliers" | "mil" | "miles" | "tausend" | "tausende" | "migliaia" => 1000,
        _ => return None,
    })
}

/// Where `phrase` first stands in `said` (its words may take a plural -s).
fn position(said: &[String], phrase: &[String]) -> Option<usize> {
    occurrences(said, phrase).first().copied()
}

/// Every index where `phrase` starts in `said`. Its words may take a plural -s: the last in
/// English ("pirate ships"), every one in French and Spanish ("flamants roses").
pub fn occurrences(said: &[String], phrase: &[String]) -> Vec<usize> {
    let n = phrase.len();
    if n == 0 {
        return Vec::new();
    }
    said.windows(n).enumerate().filter(|(_, w)| matches_at(w, phrase)).map(|(i, _)| i).collect()
}

/// Whether words say a phrase, each word as written or with a plural -s.
fn matches_at(said: &[String], phrase: &[String]) -> bool {
    said.len() == phrase.len() && said.iter().zip(phrase).all(|(got, want)| got == want || got.strip_suffix('s').is_some_and(|g| g == want))
}

/// The era a four-digit year between 1000 and 2200 falls in.
fn era_of_year(word: &str) -> Option<&'static str> {
    let year: u32 = word.parse().ok().filter(|_| word.len() == 4)?;
    Some(match year {
        1000..=1450 => "medieval",
        1451..=1913 => "age_of_sail",
        1914..=1938 => "ww1",
        1939..=1945 => "ww2",
        1946..=2100 => "modern",
        2101..=2200 => "future",
        _ => return None,
    })
}

/// Lower-case words without accents: "Lever du Soleil, à l'océan" → [lever, du, soleil, a, l, ocean].
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text.to_lowercase().chars().flat_map(fold).collect();
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// A Latin letter without its accent (ß and ligatures spelled out).
fn fold(c: char) -> Vec<char> {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ß' => return vec!['s', 's'],
        'æ' => return vec!['a', 'e'],
        'œ' => return vec!['o', 'e'],
        other => other,
    };
    vec![plain]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_values_are_found_in_any_case_accent_and_plural() {
        let l = lexicon();
        let named = |t: &str| l.named(t).into_iter().map(|(f, v)| format!("{f}={v}")).collect::<Vec<_>>();
        assert!(named("Un port au Coucher du Soleil").contains(&"time_of_day=dusk".to_string()));
        assert!(named("ein stiller See an einem NEBLIGEN Morgen").contains(&"weather=foggy".to_string()));
        assert!(named("une forêt enneigée").contains(&"terrain=snow".to_string()));
        assert!(named("a farm with horses and chickens").contains(&"kind=horse".to_string()));
        assert!(named("Quiero pilotar en la Segunda Guerra Mundial").contains(&"era=ww2".to_string()));
        assert!(named("a Spitfire over the Channel in 1940").contains(&"era=ww2".to_string()));
        // Words inside other words, and ambiguous synonyms, name nothing.
        assert!(named("a nightingale sings").is_empty(), "{:?}", named("a nightingale sings"));
        assert!(!named("a rock concert").iter().any(|n| n == "kind=rock"));
        // A phrase inside a longer one names only the longer one's value.
        let aurora = named("une base sous l'aurore boréale");
        assert!(aurora.contains(&"sky=aurora".to_string()) && !aurora.contains(&"time_of_day=dawn".to_string()), "{aurora:?}");
        assert!(named("marcher sur la Lune").contains(&"terrain=moon".to_string()));
        assert!(named("ein Forschungs-U-Boot, drinnen im Kontrollraum").contains(&"indoor=indoors".to_string()));
    }

    #[test]
    fn counts_follow_the_words_in_several_languages() {
        let l = lexicon();
        let count = |t: &str, kind: &str| l.counts(t).into_iter().find(|(k, _)| k == kind).map(|(_, n)| n);
        assert_eq!(count("two knights guard a castle", "knight"), Some(2));
        assert_eq!(count("a herd of elephants at sunset", "elephant"), Some(12));
        assert_eq!(count("playing for thousands of fans", "crowd"), Some(1000));
        assert_eq!(count("trois chevaliers devant le château", "knight"), Some(3));
        assert_eq!(count("una manada de cebras", "zebra"), Some(12));
        assert_eq!(count("a dragon above the clouds", "dragon"), Some(1));
        assert_eq!(count("elephants and giraffes", "giraffe"), None);
    }
}
