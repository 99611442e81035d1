//! Rigged people in an exported world, as glTF skins: each person's seventeen joints are nodes
//! under its instance (in the skeleton's hierarchy), its body a skinned mesh shared by every
//! person of its look, and one animation, `people`, plays their clips for a few seconds, sampled
//! from the very function that poses them in the world ([`FileRig::pose`]).

use std::collections::HashMap;

use bevy::prelude::*;
use serde_json::json;

use super::glb::{Array, Document, Primitive, Skinning};
use crate::plan::{Layout, Motions};
use crate::world::rigs::{BeatsNow, FileRig, JOINTS, Joint, LookKey, Pose, SkinStreams, inverse_binds};

/// Seconds of clip the animation holds, and its samples per second.
pub const CLIP_S: f32 = 4.0;
pub const CLIP_FPS: f32 = 15.0;
/// How many people (the nearest the spawn) the animation moves; the others stand in their
/// first pose. A stadium's crowd would otherwise make the file tens of megabytes.
pub const ANIMATED_PEOPLE: usize = 256;

/// A look's body, written once: its mesh (none when empty) and inverse bind matrices.
struct SharedBody {
    mesh: Option<usize>,
    inverse_binds: usize,
}

/// The people of a world being written.
pub struct People {
    rigs: Vec<Option<FileRig>>,
    bodies: HashMap<LookKey, SharedBody>,
    animated: Vec<bool>,
    /// The joint nodes of each animated person, by instance.
    tracks: Vec<(usize, [usize; JOINTS])>,
}

impl People {
    pub fn new(layout: &Layout) -> People {
        let rigs = FileRig::all(layout);
        let spawn = Vec3::from(layout.spawn.position);
        let mut people: Vec<usize> = (0..rigs.len()).filter(|&i| rigs[i].is_some()).collect();
        people.sort_by(|&a, &b| {
            let d = |i: usize| Vec3::from(layout.instances[i].position).distance(spawn);
            d(a).total_cmp(&d(b))
        });
        let mut animated = vec![false; rigs.len()];
        people.iter().take(ANIMATED_PEOPLE).for_each(|&i| animated[i] = true);
        People { rigs, bodies: HashMap::new(), animated, tracks: Vec::new() }
    }

    /// Whether instance `i` is a rigged person.
    pub fn is_rigged(&self, i: usize) -> bool {
        self.rigs.get(i).is_some_and(Option::is_some)
    }

    /// Writes person `i`'s skeleton (posed as at the start) and skinned body; the nodes to put
    /// under its instance's node. `None` when it is not a rigged person.
    pub fn person(
        &mut self,
        doc: &mut Document,
        layout: &Layout,
        motions: &Motions,
        i: usize,
        materials: (usize, usize),
    ) -> Option<Vec<usize>> {
        let rig = self.rigs.get(i)?.as_ref()?;
        let name = format!("{} body", layout.instances[i].kind);
        let body = self.bodies.entry(rig.look.clone()).or_insert_with(|| write_body(doc, &name, rig, materials));
        let pose = rig.pose(layout, motions, i, 0.0, &BeatsNow::at(layout, 0.0));
        let mut joints = [0; JOINTS];
        for j in Joint::ALL {
            let (translation, rotation) = joint_local(rig, &pose, j);
            joints[j.index()] = doc.add_node(json!({
                "name": format!("{j:?}"), "translation": translation.to_array(), "rotation": rotation.to_array(),
            }));
        }
        for j in Joint::ALL {
            let children: Vec<usize> = Joint::ALL.iter().filter(|c| c.parent() == Some(j)).map(|c| joints[c.index()]).collect();
            doc.set_children(joints[j.index()], children);
        }
        let hips = joints[Joint::Hips.index()];
        let mut nodes = vec![hips];
        if let Some(mesh) = body.mesh {
            let skin = doc.add(
                Array::Skins,
                json!({"name": format!("{}#{}", layout.instances[i].entity, layout.instances[i].index),
                       "joints": joints, "skeleton": hips, "inverseBindMatrices": body.inverse_binds}),
            );
            nodes.push(doc.add_node(json!({"name": "body", "mesh": mesh, "skin": skin, "extras": {"part": "body"}})));
        }
        if self.animated[i] {
            self.tracks.push((i, joints));
        }
        Some(nodes)
    }

    /// The animation of the people written, if any: every joint's rotation and the hips'
    /// place, `CLIP_FPS` times a second for `CLIP_S` seconds.
    pub fn finish(self, doc: &mut Document, layout: &Layout, motions: &Motions) {
        if self.tracks.is_empty() {
            return;
        }
        let frames = (CLIP_S * CLIP_FPS).round() as usize;
        let times: Vec<[f32; 1]> = (0..=frames).map(|f| [f as f32 / CLIP_FPS]).collect();
        let beats: Vec<BeatsNow> = times.iter().map(|[t]| BeatsNow::at(layout, *t)).collect();
        let input = doc.add_floats(&times, "SCALAR", true);
        let (mut samplers, mut channels) = (Vec::new(), Vec::new());
        for (i, joints) in &self.tracks {
            let Some(rig) = self.rigs[*i].as_ref() else { continue };
            let poses: Vec<Pose> = times.iter().zip(&beats).map(|([t], now)| rig.pose(layout, motions, *i, *t, now)).collect();
            for j in Joint::ALL {
                let mut rotations: Vec<[f32; 4]> = Vec::with_capacity(poses.len());
                let mut previous = Quat::IDENTITY;
                for pose in &poses {
                    // The nearer of q and -q to the last key: interpolation then takes the short way.
                    let q = joint_local(rig, pose, j).1;
                    let q = if q.dot(previous) < 0.0 { -q } else { q };
                    previous = q;
                    rotations.push(q.to_array());
                }
                let output = doc.add_floats(&rotations, "VEC4", false);
                channels.push(json!({"sampler": samplers.len(), "target": {"node": joints[j.index()], "path": "rotation"}}));
                samplers.push(json!({"input": input, "output": output, "interpolation": "LINEAR"}));
            }
            let hips: Vec<[f32; 3]> = poses.iter().map(|p| joint_local(rig, p, Joint::Hips).0.to_array()).collect();
            let output = doc.add_floats(&hips, "VEC3", false);
            channels.push(json!({"sampler": samplers.len(), "target": {"node": joints[Joint::Hips.index()], "path": "translation"}}));
            samplers.push(json!({"input": input, "output": output, "interpolation": "LINEAR"}));
        }
        doc.add(Array::Animations, json!({"name": "people", "samplers": samplers, "channels": channels}));
    }
}

/// A joint's place in its parent joint's frame (the instance's, for the hips), in metres.
fn joint_local(rig: &FileRig, pose: &Pose, j: Joint) -> (Vec3, Quat) {
    let translation = match j.parent() {
        None => pose.hips,
        Some(_) => rig.skeleton().offset(j),
    };
    (translation * rig.k, pose.rotation[j.index()].normalize())
}

/// A look's body (its lit and glowing parts in one mesh) and its inverse bind matrices.
fn write_body(doc: &mut Document, name: &str, rig: &FileRig, (solid, glow): (usize, usize)) -> SharedBody {
    let body = rig.body();
    let (solid_streams, glow_streams) = (body.solid.streams(), body.glow.streams());
    let (solid_skin, glow_skin) = (gltf_influences(&solid_streams), gltf_influences(&glow_streams));
    let mesh = doc.add_mesh(name, &[skinned(&solid_streams, &solid_skin, solid), skinned(&glow_streams, &glow_skin, glow)]);
    let binds: Vec<[f32; 16]> = inverse_binds(rig.skeleton(), rig.k).iter().map(Mat4::to_cols_array).collect();
    SharedBody { mesh, inverse_binds: doc.add_floats(&binds, "MAT4", false) }
}

fn skinned<'a>(s: &'a SkinStreams<'a>, influences: &'a Influences, material: usize) -> Primitive<'a> {
    Primitive {
        positions: s.positions,
        normals: s.normals,
        colors: Some(s.colors),
        indices: s.indices,
        material,
        skin: Some(Skinning { joints: &influences.joints, weights: &influences.weights }),
    }
}

/// Joints and weights per vertex, as glTF wants them.
struct Influences {
    joints: Vec<[u16; 4]>,
    weights: Vec<[f32; 4]>,
}

/// A joint once per vertex (a repeated one's weights summed) and index 0 where the weight is
/// zero: glTF-Validator refuses a joint named twice for one vertex.
fn gltf_influences(s: &SkinStreams) -> Influences {
    let (joints, weights) = s
        .joints
        .iter()
        .zip(s.weights)
        .map(|(joints, weights)| {
            let (mut j, mut w) = ([0u16; 4], [0f32; 4]);
            let mut n = 0;
            for (joint, weight) in joints.iter().zip(weights).filter(|(_, w)| **w > 0.0) {
                match j[..n].iter().position(|x| x == joint) {
                    Some(k) => w[k] += weight,
                    None => {
                        (j[n], w[n]) = (*joint, *weight);
                        n += 1;
                    }
                }
            }
            let total: f32 = w.iter().sum();
            (j, w.map(|x| x / total.max(1e-6)))
        })
        .unzip();
    Influences { joints, weights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn influences_name_a_joint_once_and_zero_weights_point_at_the_root() {
        let positions = [[0.0; 3]];
        let s = SkinStreams {
            positions: &positions,
            normals: &positions,
            colors: &[[1.0; 4]],
            joints: &[[3, 5, 3, 3]],
            weights: &[[0.5, 0.25, 0.25, 0.0]],
            indices: &[],
        };
        let influences = gltf_influences(&s);
        assert_eq!(influences.joints, vec![[3, 5, 0, 0]]);
        assert_eq!(influences.weights, vec![[0.75, 0.25, 0.0, 0.0]]);
    }
}
