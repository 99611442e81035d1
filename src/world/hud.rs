//! The desktop overlay: the scenario's title, what the keys do, the progress of a scenario
//! being generated or an edit being made, a line to type the next one into (Enter), and the
//! undo and redo keys (Ctrl+Z, Ctrl+Y).

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

use super::CurrentLayout;
use super::player::Controls;
use crate::state::{HistoryStep, PromptSubmitted, Status};

pub struct HudPlugin;

impl Plugin for HudPlugin {
    fn build(&self, app: &mut App) {
        crate::state::ensure_state(app);
        app.init_resource::<PromptLine>()
            .add_systems(Startup, spawn_hud)
            .add_systems(Update, (type_prompt, history_keys, show_text).chain());
    }
}

/// The scenario being typed, while typing.
#[derive(Resource, Default)]
struct PromptLine(String);

#[derive(Component)]
struct TitleText;
#[derive(Component)]
struct StatusText;

const HELP: &str = "Click: look around · WASD: move · Q/E: down/up · Esc: free the mouse · hold V: say a change or a new scenario · Enter: type one · Ctrl+Z/Ctrl+Y: undo/redo";

fn spawn_hud(mut commands: Commands) {
    let panel = |top: bool| Node {
        position_type: PositionType::Absolute,
        left: Val::Px(14.0),
        top: if top { Val::Px(10.0) } else { Val::Auto },
        bottom: if top { Val::Auto } else { Val::Px(10.0) },
        padding: UiRect::axes(Val::Px(8.0), Val::Px(4.0)),
        ..default()
    };
    commands.spawn((
        TitleText,
        Text::new(""),
        TextFont { font_size: FontSize::Px(22.0), ..default() },
        panel(true),
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.35)),
    ));
    commands.spawn((
        StatusText,
        Text::new(HELP),
        TextFont { font_size: FontSize::Px(16.0), ..default() },
        panel(false),
        BackgroundColor(Color::srgba(0.0, 0.0, 0.0, 0.35)),
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
    mut title: Query<&mut Text, (With<TitleText>, Without<StatusText>)>,
    mut bottom: Query<&mut Text, (With<StatusText>, Without<TitleText>)>,
) {
    if let (Some(layout), Ok(mut text)) = (layout.as_ref(), title.single_mut())
        && layout.is_changed()
    {
        let role = &layout.0.spawn.role;
        let line =
            if role.is_empty() { layout.0.title.clone() } else { format!("{} — you are the {}", layout.0.title, role.replace('_', " ")) };
        text.0 = displayable(&line);
    }
    if let Ok(mut text) = bottom.single_mut() {
        let wanted = if controls.typing {
            format!("Say a change or a new scenario (Enter to go, Esc to cancel): {}_", line.0)
        } else {
            status.line().unwrap_or_else(|| HELP.to_string())
        };
        let wanted = displayable(&wanted);
        if text.0 != wanted {
            text.0 = wanted;
        }
    }
}

/// The overlay's font has no typographic quotes, dots or dashes: they would show as boxes.
fn displayable(text: &str) -> String {
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
