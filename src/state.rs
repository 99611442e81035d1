//! What the stages of the running app share: the world shown now, the scenario clock, the
//! system sets that order the frame, what the person asked for, and a typed status of the
//! request in flight. The world, the soundscape, the headset and the app layer all read these;
//! keeping them here means no stage imports another to talk to it.

use std::sync::Arc;

use bevy::prelude::*;

use crate::language::APP_LANGUAGES;
use crate::plan::Layout;
use crate::progress::Progress;

/// Registers the resources and messages below. Every plugin that reads them adds it when it
/// is not there yet, so each works on its own and none registers the state twice.
pub struct StatePlugin;

impl Plugin for StatePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SceneClock>()
            .init_resource::<Status>()
            .init_resource::<WorldChange>()
            .init_resource::<LastHeard>()
            .init_resource::<SpokenLanguage>()
            .init_resource::<RealModelsChoice>()
            .init_resource::<ModelsLoading>()
            .add_message::<ShowLayout>()
            .add_message::<EditLayout>()
            .add_message::<HistoryStep>()
            .add_message::<PromptSubmitted>()
            .add_message::<TalkButton>();
    }
}

/// Adds [`StatePlugin`] to `app` unless it is there already.
pub fn ensure_state(app: &mut App) {
    if !app.is_plugin_added::<StatePlugin>() {
        app.add_plugins(StatePlugin);
    }
}

/// What the recogniser heard last ("Heard “…” (French)"), shown as soon as it is ready and
/// before the world, so a person sees a mishearing and says it again. Cleared by the next
/// request.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct LastHeard(pub Option<String>);

/// The spoken language the person chose, `None` to have it detected. L in a window, the left
/// thumbstick's click in a headset, step through [`SpokenLanguage::CHOICES`].
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct SpokenLanguage(pub Option<String>);

impl SpokenLanguage {
    /// Detected, then the languages the app reads ([`APP_LANGUAGES`]).
    pub const CHOICES: [Option<&str>; APP_LANGUAGES.len() + 1] = {
        let mut choices = [None; APP_LANGUAGES.len() + 1];
        let mut i = 0;
        while i < APP_LANGUAGES.len() {
            choices[i + 1] = Some(APP_LANGUAGES[i]);
            i += 1;
        }
        choices
    };

    /// The next choice after this one (a language the list lacks goes back to detection).
    pub fn next(&self) -> SpokenLanguage {
        let at = Self::CHOICES.iter().position(|c| *c == self.0.as_deref());
        let next = at.map_or(0, |i| (i + 1) % Self::CHOICES.len());
        SpokenLanguage(Self::CHOICES[next].map(str::to_string))
    }

    /// "detected" or the language's name, for the overlay.
    pub fn label(&self) -> String {
        match self.0.as_deref() {
            None => "detected".into(),
            Some(code) => crate::language::language_name(code).to_string(),
        }
    }
}

/// Whether the world builds a kind from its real model (set-up's GLB files) where it has one,
/// or keeps every kind procedural: the sheet shows both, the benchmark compares them.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RealModelsChoice(pub bool);

impl Default for RealModelsChoice {
    fn default() -> Self {
        RealModelsChoice(true)
    }
}

/// Instances of the current world whose model file is still loading. A snapshot, a contact
/// sheet's tile or a benchmark waits until it is zero, so what it shows is the finished world.
#[derive(Resource, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelsLoading(pub usize);

/// The layout the world shows now. Replacing it rebuilds the world.
#[derive(Resource, Clone)]
pub struct CurrentLayout(pub Arc<Layout>);

/// Ask for a new world (from a file, the model, or the bench); it comes in through a fade.
#[derive(Message, Clone)]
pub struct ShowLayout(pub Arc<Layout>);

/// The world changed in place (an edit): no fade, the clock runs on, the player stays where
/// they are, and what the edit did not touch keeps its place and its motion.
#[derive(Message, Clone)]
pub struct EditLayout(pub Arc<Layout>);

/// How the current world came: through a fade (a new scenario) or in place (an edit). The
/// soundscape crossfades after an edit instead of starting over.
#[derive(Resource, Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorldChange {
    pub in_place: bool,
}

/// Undo or redo the last edit (Ctrl+Z / Ctrl+Y in a window, B or Y on a controller).
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryStep {
    Undo,
    Redo,
}

/// Scenario time: seconds since the world appeared, or a fixed time for snapshots.
#[derive(Resource, Default)]
pub struct SceneClock {
    pub t: f32,
    /// A snapshot holds the clock at the asked time.
    pub frozen: bool,
}

/// Systems that build the parts of a new world; they run on the frame it is installed.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorldSpawn;

/// Our own per-frame systems, timed together by the stats.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorldSystems;

/// Run condition: the world was just replaced.
pub fn world_replaced(layout: Option<Res<CurrentLayout>>) -> bool {
    layout.is_some_and(|l| l.is_changed())
}

/// The person typed a scenario (Enter in the window).
#[derive(Message, Clone)]
pub struct PromptSubmitted(pub String);

/// The talk button (V on a keyboard, A/X on a controller) went down or up.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TalkButton {
    Pressed,
    Released,
}

/// Where the request in flight stands. The HUD shows it as a line, the headset as a ring
/// that turns only while something is being worked on.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub enum Status {
    /// Nothing asked: the key help shows.
    #[default]
    Idle,
    /// The microphone is open.
    Listening,
    /// A request is being worked on, at this stage.
    Working(Progress),
    /// The last request failed; the message says why. Stays until the next request.
    Failed(String),
    /// The last request is done, and this is what it did ("Changed: night; say “undo” …").
    Done(String),
}

impl Status {
    /// Whether the person is waiting for something (the progress ring turns).
    pub fn is_busy(&self) -> bool {
        matches!(self, Status::Listening | Status::Working(_))
    }

    /// The line to show; `None` when idle.
    pub fn line(&self) -> Option<String> {
        match self {
            Status::Idle => None,
            Status::Listening => Some("Listening … (let go when you have said it)".into()),
            Status::Working(progress) => Some(progress.message.clone()),
            Status::Failed(message) => Some(format!("Could not do that: {message}")),
            Status::Done(message) => Some(message.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Stage;

    #[test]
    fn the_language_setting_steps_through_every_choice_and_back_to_detection() {
        let mut language = SpokenLanguage::default();
        let mut seen = vec![language.label()];
        for _ in 0..SpokenLanguage::CHOICES.len() {
            language = language.next();
            seen.push(language.label());
        }
        assert_eq!(seen, ["detected", "English", "French", "Spanish", "German", "Italian", "detected"]);
        // A language set outside the list (SAYSCAPE_LANGUAGE=pt) steps back to detection.
        assert_eq!(SpokenLanguage(Some("pt".into())).next(), SpokenLanguage(None));
    }

    #[test]
    fn only_work_in_progress_keeps_the_ring_turning() {
        assert!(Status::Working(Progress::new(Stage::Ranking, "Imagining …")).is_busy());
        assert!(Status::Listening.is_busy());
        // A failed generation used to leave the ring spinning: the status was one string
        // holding either progress or an error, and the ring showed for any non-empty one.
        assert!(!Status::Failed("the model file is missing".into()).is_busy());
        assert!(!Status::Idle.is_busy());
    }

    #[test]
    fn a_failure_says_why_and_idle_shows_no_line() {
        assert_eq!(Status::Idle.line(), None);
        assert!(Status::Failed("no model".into()).line().unwrap().contains("no model"));
    }
}
