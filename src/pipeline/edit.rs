//! Instructions said inside a world: an edit of the current world (in place, with undo), a
//! new scenario, or nothing to do.

use super::{Backend, Pipeline, PipelineError, Progress, Request, Stage, World};
use crate::edit::{self, Judge, Op, Understood, WordsOnly};
use crate::generate::GenerateError;
use crate::plan::replan;
use crate::scene::history;

/// What an instruction did to the world.
#[derive(Debug, Clone)]
pub enum Said {
    /// The world edited by these operations; everything else kept its place.
    Edited {
        world: World,
        ops: Vec<Op>,
    },
    /// The last edit undone or redone.
    Undone(World),
    Redone(World),
    /// A scenario of its own: a new world.
    New(World),
}

impl Said {
    pub fn world(&self) -> &World {
        match self {
            Said::Edited { world, .. } | Said::Undone(world) | Said::Redone(world) | Said::New(world) => world,
        }
    }

    /// Whether the world changes in place (no fade, the clock runs on).
    pub fn in_place(&self) -> bool {
        !matches!(self, Said::New(_))
    }

    /// A line for the person: what was understood, so a wrong reading can be undone.
    pub fn line(&self) -> String {
        match self {
            Said::Edited { ops, .. } => format!("Changed: {} (say “undo” to take it back)", edit::summary(ops)),
            Said::Undone(_) => "Undone".into(),
            Said::Redone(_) => "Redone".into(),
            Said::New(world) => format!("New scenario: {}", world.scene.title),
        }
    }
}

impl Pipeline {
    /// What an instruction said inside `world` is: an edit, undo, redo, a new scenario, or nothing.
    pub fn understand(
        &mut self,
        world: &World,
        instruction: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Understood, PipelineError> {
        progress(Progress::new(Stage::Understanding, format!("Changing the world: “{}” …", instruction.trim())));
        if let Backend::Remote(_) = self.local_backend() {
            return Ok(edit::understand(&world.scene, instruction, &mut WordsOnly)?);
        }
        self.local_judge(progress, |judge| edit::understand(&world.scene, instruction, judge))
    }

    /// Carries out an instruction said inside `world`. An edit re-plans only what it touched.
    pub fn edit(&mut self, world: &World, instruction: &str, progress: &mut dyn FnMut(Progress)) -> Result<Said, PipelineError> {
        let understood = self.understand(world, instruction, progress)?;
        self.carry_out(world, instruction, understood, progress)
    }

    /// Does what [`Pipeline::understand`] read.
    pub fn carry_out(
        &mut self,
        world: &World,
        instruction: &str,
        understood: Understood,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Said, PipelineError> {
        let in_place = |scene: crate::scene::Scene| {
            let layout = replan(&scene, world.seed as u64, &world.scene, &world.layout);
            World { scene, layout, seed: world.seed }
        };
        Ok(match understood {
            Understood::Edit(ops) => {
                let scene = history::record(&world.scene, instruction.trim(), ops.clone())?;
                check(&scene)?;
                progress(Progress::new(Stage::Planning, format!("Changed: {}", edit::summary(&ops))));
                Said::Edited { world: in_place(scene), ops }
            }
            Understood::Undo => {
                let scene = history::undo(&world.scene).ok_or_else(|| PipelineError::NotAnEdit("there is nothing to undo".into()))?;
                Said::Undone(in_place(scene))
            }
            Understood::Redo => {
                let scene = history::redo(&world.scene).ok_or_else(|| PipelineError::NotAnEdit("there is nothing to redo".into()))??;
                Said::Redone(in_place(scene))
            }
            Understood::NewScenario => Said::New(self.world(Request::words(instruction).with_seed(world.seed), progress)?),
            Understood::Nothing(why) => return Err(PipelineError::NotAnEdit(why)),
        })
    }

    #[cfg(feature = "llama")]
    fn local_judge<T>(
        &mut self,
        progress: &mut dyn FnMut(Progress),
        read: impl FnOnce(&mut dyn Judge) -> Result<T, GenerateError>,
    ) -> Result<T, PipelineError> {
        let generator = self.local_generator(None, progress)?;
        Ok(read(generator)?)
    }

    #[cfg(not(feature = "llama"))]
    fn local_judge<T>(
        &mut self,
        _: &mut dyn FnMut(Progress),
        read: impl FnOnce(&mut dyn Judge) -> Result<T, GenerateError>,
    ) -> Result<T, PipelineError> {
        Ok(read(&mut WordsOnly)?)
    }
}

/// An edited scene passes the same validation as a scene file.
fn check(scene: &crate::scene::Scene) -> Result<(), PipelineError> {
    let value = serde_json::to_value(scene).map_err(PipelineError::Serialise)?;
    crate::scene::scene_from_value(&value, "edited scene").map_err(|e| PipelineError::Generate(GenerateError::Invalid(e)))?;
    Ok(())
}
