//! The desktop overlay: the scenario's title, what the keys do, the progress of a scenario
//! being generated or an edit being made, a line to type the next one into (Enter), and the
//! undo and redo keys (Ctrl+Z, Ctrl+Y), what was heard last (above the status, before the
//! world comes) and the spoken language (L steps through it).

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

use super::CurrentLayout;
use super::player::Controls;
use crate::state::{HistoryStep, LastHeard, PromptSubmitted, SpokenLanguage, Status};

pub struct HudPlugin;

impl Plugin for HudPlugin {
    fn build(&self, app: &mut App) {
        crate::state::ensure_state(app);
        app.init_resource::<PromptLine>()
            .add_systems(Startup, spawn_hud)
            .add_systems(Update, (type_prompt, history_keys, language_key, show_text).chain());
    }
}

/// The scenario being typed, while typing.
#[derive(Resource, Default)]
struct PromptLine(String);

/// The overlay's lines.
#[derive(Component, Clone, Copy, PartialEq, Eq)]
enum HudLine {
    /// The scenario's title, at the top.
    Title,
    /// The status (or the key help), at the bottom.
    Status,
    /// What was heard, above the status.
    Heard,
}

const HELP: &str = "Click: look around · WASD: move · Q/E: down/up · Esc: free the mouse · hold V: say a change or a new scenario · Enter: type one · Ctrl+Z/Ctrl+Y: undo/redo · L: spoken language";

/// The key help with the spoken language in it.
fn help(language: &SpokenLanguage) -> String {
    format!("{HELP} ({})", language.label())
}

fn spawn_hud(mut commands: Commands) {
    let panel = |top: bool, bottom_px: f32| Node {
        position_type: PositionType::Absolute,
        left: Val::Px(14.0),
        top: if top { Val::Px(10.0) } else { Val::Auto },
        bottom: if top { Val::Auto } else { Val::Px(bottom_px) },
        padding: UiRect::axes(Val::Px(8.0), Val::Px(4.0)),
        ..default()
    };
    commands.spawn((
        HudLine::Title,
        Text::new(""),
        TextFont { font_size: FontSize::Px(22.0), ..default() },
        panel(true, 0.0),
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.35)),
    ));
    commands.spawn((
        HudLine::Status,
        Text::new(HELP),
        TextFont { font_size: FontSize::Px(16.0), ..default() },
        panel(false, 10.0),
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.35)),
    ));
    // Above the status: what was heard, in a brighter colour, until the next request.
    commands.spawn((
        HudLine::Heard,
        Text::new(""),
        TextFont { font_size: FontSize::Px(18.0), ..default() },
        TextColor(Color::srgb(1.0, 0.92, 0.55)),
        panel(false, 40.0),
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.35)),
        Visibility::Hidden,
    ));
}

/// Ctrl+Z undoes the last edit, Ctrl+Y (or Ctrl+Shift+Z) makes it again.
fn history_keys(keys: Res<ButtonInput<KeyCode>>, controls: Res<Controls>, mut step: MessageWriter<HistoryStep>) {
    if controls.typing || !keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]) {
        return;
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    if keys.just_pressed(KeyCode::KeyZ) {
        step.write(if shift { HistoryStep::Redo } else { HistoryStep::Undo });
    } else if keys.just_pressed(KeyCode::KeyY) {
        step.write(HistoryStep::Redo);
    }
}

/// L steps the spoken language: detected, English, French, Spanish, German, Italian.
fn language_key(keys: Res<ButtonInput<KeyCode>>, controls: Res<Controls>, mut language: ResMut<SpokenLanguage>) {
    if !controls.typing && keys.just_pressed(KeyCode::KeyL) {
        *language = language.next();
    }
}

fn type_prompt(
    mut keys: MessageReader<KeyboardInput>,
    mut controls: ResMut<Controls>,
    mut line: ResMut<PromptLine>,
    mut submitted: MessageWriter<PromptSubmitted>,
) {
    for key in keys.read() {
        if key.state != ButtonState::Pressed {
            continue;
        }
        match (&key.logical_key, controls.typing) {
            (Key::Enter, false) => {
                controls.typing = true;
                line.0.clear();
            }
            (Key::Enter, true) => {
                controls.typing = false;
                let prompt = line.0.trim().to_string();
                if !prompt.is_empty() {
                    submitted.write(PromptSubmitted(prompt));
                }
            }
            (Key::Escape, true) => controls.typing = false,
            (Key::Backspace, true) => {
                line.0.pop();
            }
            (Key::Space, true) => line.0.push(' '),
            (Key::Character(text), true) if line.0.len() < 500 => line.0.push_str(text),
            _ => {}
        }
    }
}

fn show_text(
    layout: Option<Res<CurrentLayout>>,
    status: Res<Status>,
    controls: Res<Controls>,
    line: Res<PromptLine>,
    heard: Res<LastHeard>,
    language: Res<SpokenLanguage>,
    mut lines: Query<(&HudLine, &mut Text, &mut Visibility)>,
) {
    for (which, mut text, mut visibility) in &mut lines {
        let wanted = match which {
            HudLine::Title => match layout.as_ref() {
                Some(layout) if layout.is_changed() => {
                    let role = &layout.0.spawn.role;
                    if role.is_empty() {
                        layout.0.title.clone()
                    } else {
                        format!("{} — you are the {}", layout.0.title, role.replace('_', " "))
                    }
                }
                _ => continue,
            },
            HudLine::Heard if heard.is_changed() => {
                *visibility = if heard.0.is_some() { Visibility::Inherited } else { Visibility::Hidden };
                heard.0.clone().unwrap_or_default()
            }
            HudLine::Heard => continue,
            HudLine::Status if controls.typing => format!("Say a change or a new scenario (Enter to go, Esc to cancel): {}_", line.0),
            HudLine::Status => status.line().unwrap_or_else(|| help(&language)),
        };
        let wanted = displayable(&wanted);
        if text.0 != wanted {
            text.0 = wanted;
        }
    }
}

/// The overlay's font has no typographic quotes, dots or dashes: they would show as boxes.
pub fn displayable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '“' | '”' | '«' | '»' => '"',
            '‘' | '’' => '\'',
            '·' => '|',
            '—' | '–' => '-',
            other => other,
        })
        .collect::<String>()
        .replace('…', "...")
}

#[cfg(test)]
mod tests {
    #[test]
    fn typographic_marks_become_plain_ones_the_font_has() {
        assert_eq!(super::displayable("Changed: night (say “undo” — or not) · ok …"), "Changed: night (say \"undo\" - or not) | ok ...");
    }
}
