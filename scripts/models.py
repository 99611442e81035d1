#!/usr/bin/env python3
"""Converts the furniture models the manifest names into GLB files the world loads.

Reads assets/models/manifest.json, takes each named OBJ (with its MTL and textures) out of the
Sweet Home 3D furniture libraries Debian installs (`sweethome3d-furniture`, *.sh3f zip files),
and writes one normalised GLB per model under OUT (default ~/.cache/sayscape/models/glb):
metres, y up, origin at the centre of its base, front facing -z, sized as the library's own
catalog sizes it (width, depth, height, after its model rotation), one primitive per material,
textures embedded. Models over their triangle budget are simplified by gltfpack (meshoptimizer)
without quantisation or compression, so the files need no glTF extension Bevy lacks.

An index (OUT/index.json) records each model's recipe, sha256, size and triangle count; a second
run converts only what changed or fails its check. Standard library only: set-up runs this
before anything is built.
"""

import argparse
import array
import hashlib
import io
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile

FORMAT = "sayscape.models/1"
# Bumped when the conversion changes what it writes, so cached files are converted again.
CONVERTER_VERSION = 4
# Faces without normals or a smoothing group are smoothed across edges sharper than this.
CREASE_DEG = 45.0
ALLOWED_EXTENSIONS = {"KHR_materials_emissive_strength", "KHR_texture_transform"}


def log(message):
    print(f"[models] {message}", file=sys.stderr, flush=True)


class ConversionError(Exception):
    pass


# --- the libraries' catalogs -----------------------------------------------------------------

def read_catalog(archive):
    """Items of a library's PluginFurnitureCatalog.properties, keyed by their model path."""
    text = archive.read("PluginFurnitureCatalog.properties").decode("latin-1")
    props = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        props[key.strip()] = value.strip().encode("latin-1").decode("unicode_escape")
    items = {}
    for key, value in props.items():
        m = re.fullmatch(r"(\w+)#(\d+)", key)
        if m:
            items.setdefault(int(m.group(2)), {})[m.group(1)] = value
    return {item["model"].lstrip("/"): item for item in items.values() if "model" in item}


# --- OBJ and MTL -----------------------------------------------------------------------------

def srgb_to_linear(c):
    c = max(0.0, min(1.0, c))
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def read_mtl(text):
    materials, current = {}, None
    for line in text.splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        key, args = parts[0], parts[1:]
        if key == "newmtl":
            current = materials.setdefault(" ".join(args), {"Kd": [0.8, 0.8, 0.8], "d": 1.0, "Ns": 0.0, "Ke": [0, 0, 0]})
        elif current is None:
            continue
        elif key in ("Kd", "Ke") and len(args) >= 3:
            current[key] = [float(a) for a in args[:3]]
        elif key == "d" and args:
            current["d"] = float(args[0])
        elif key == "Ns" and args:
            current["Ns"] = float(args[0])
        elif key == "map_Kd" and args:
            # Options (-s 1 1 1 …) come first; the name is last and may hold spaces or a
            # foreign absolute path: only its base name is looked for, beside the OBJ.
            name = line.strip()[len("map_Kd"):].strip()
            current["map_Kd"] = re.split(r"[\\/]", name)[-1]
    return materials


def read_obj(text):
    """Positions, texture coordinates, normals and faces by material. A face is a list of
    (position, uv, normal) indices (0-based; None when absent) and its smoothing group."""
    v, vt, vn = [], [], []
    faces = {}
    material, group = "", 0
    mtllibs = []
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        parts = line.split()
        if not parts:
            continue
        key = parts[0]
        if key == "v":
            v.append((float(parts[1]), float(parts[2]), float(parts[3])))
        elif key == "vt":
            vt.append((float(parts[1]), float(parts[2]) if len(parts) > 2 else 0.0))
        elif key == "vn":
            vn.append((float(parts[1]), float(parts[2]), float(parts[3])))
        elif key == "f":
            corners = []
            for token in parts[1:]:
                idx = token.split("/")
                def at(i, n):
                    if len(idx) <= i or not idx[i]:
                        return None
                    k = int(idx[i])
                    return k - 1 if k > 0 else n + k
                corners.append((at(0, len(v)), at(1, len(vt)), at(2, len(vn))))
            if len(corners) >= 3:
                faces.setdefault(material, []).append((corners, group))
        elif key == "usemtl":
            material = " ".join(parts[1:])
        elif key == "s":
            group = 0 if len(parts) < 2 or parts[1] in ("off", "0") else int(parts[1]) if parts[1].isdigit() else 1
        elif key == "mtllib":
            mtllibs.append(" ".join(parts[1:]))
    return v, vt, vn, faces, mtllibs


# --- geometry --------------------------------------------------------------------------------

def mat_mul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def apply(m, p):
    return (m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2],
            m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2],
            m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2])


def normalize(n):
    length = math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2])
    return (n[0] / length, n[1] / length, n[2] / length) if length > 1e-20 else (0.0, 1.0, 0.0)


def cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def build_geometry(obj, item, yaw_deg):
    """Triangles per material in the normalised frame: the library's model rotation, then its
    catalog size (cm → m; Sweet Home 3D stretches a model's box to it), base on y = 0, centred,
    turned to face -z (Sweet Home 3D models face +z), then `yaw_deg` more."""
    v, vt, vn, faces, _ = obj
    used = sorted({c[0] for fl in faces.values() for f, _ in fl for c in f})
    if not used:
        raise ConversionError("the OBJ has no faces")
    rot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    if "modelRotation" in item:
        r = [float(x) for x in item["modelRotation"].split()]
        rot = [r[0:3], r[3:6], r[6:9]]
    rotated = {i: apply(rot, v[i]) for i in used}
    lo = [min(p[k] for p in rotated.values()) for k in range(3)]
    hi = [max(p[k] for p in rotated.values()) for k in range(3)]
    target = [float(item["width"]) / 100.0, float(item["height"]) / 100.0, float(item["depth"]) / 100.0]
    scale = [target[k] / (hi[k] - lo[k]) if hi[k] - lo[k] > 1e-9 else 1.0 for k in range(3)]
    # Facing: half a turn (Sweet Home 3D's front is +z, ours -z), then the manifest's yaw.
    turn = math.radians(180.0 + yaw_deg)
    c, s = math.cos(turn), math.sin(turn)
    yaw = [[c, 0, s], [0, 1, 0], [-s, 0, c]]
    centre = [(lo[0] + hi[0]) / 2, lo[1], (lo[2] + hi[2]) / 2]
    positions = {}
    for i, p in rotated.items():
        q = ((p[0] - centre[0]) * scale[0], (p[1] - centre[1]) * scale[1], (p[2] - centre[2]) * scale[2])
        positions[i] = apply(yaw, q)
    # Normals go through the inverse transpose of rotation · scale, then the yaw.
    inv_scale = [[1 / scale[0], 0, 0], [0, 1 / scale[1], 0], [0, 0, 1 / scale[2]]]
    normal_m = mat_mul(yaw, mat_mul(inv_scale, rot))
    # The turn is a proper rotation and the scale positive: the winding stays as the OBJ has it,
    # unless the model rotation mirrors.
    det = (rot[0][0] * (rot[1][1] * rot[2][2] - rot[1][2] * rot[2][1])
           - rot[0][1] * (rot[1][0] * rot[2][2] - rot[1][2] * rot[2][0])
           + rot[0][2] * (rot[1][0] * rot[2][1] - rot[1][1] * rot[2][0]))
    flip = det < 0

    out = {}
    crease = math.cos(math.radians(CREASE_DEG))
    for material, face_list in faces.items():
        smooth, around = {}, {}
        tris, seen = [], set()
        for corners, group in face_list:
            for k in range(1, len(corners) - 1):
                tri = (corners[0], corners[k], corners[k + 1])
                # Many models carry every face twice, once per side: the materials are
                # double-sided, so one is enough (and a doubled sheet defeats simplification).
                same = frozenset(t[0] for t in tri)
                if same in seen or len(same) < 3:
                    continue
                seen.add(same)
                if flip:
                    tri = (tri[0], tri[2], tri[1])
                a, b, cc = (positions[t[0]] for t in tri)
                fn = cross(sub(b, a), sub(cc, a))
                tris.append((tri, group, fn))
                for t in tri:
                    if group:
                        acc = smooth.setdefault((t[0], group), [0.0, 0.0, 0.0])
                        acc[0] += fn[0]
                        acc[1] += fn[1]
                        acc[2] += fn[2]
                    else:
                        around.setdefault(t[0], []).append(fn)
        verts, index_of, indices = [], {}, []
        for tri, group, fn in tris:
            unit = normalize(fn)
            for t in tri:
                if t[2] is not None and t[2] < len(vn):
                    n = normalize(apply(normal_m, vn[t[2]]))
                elif group:
                    n = normalize(smooth[(t[0], group)])
                else:
                    # No normals and no smoothing group: smooth across edges under the crease
                    # angle, as Sweet Home 3D's loader does, so shared corners stay shared.
                    acc = [0.0, 0.0, 0.0]
                    for other in around[t[0]]:
                        if sum(x * y for x, y in zip(unit, normalize(other))) >= crease:
                            acc = [acc[0] + other[0], acc[1] + other[1], acc[2] + other[2]]
                    n = normalize(acc)
                uv = vt[t[1]] if t[1] is not None and t[1] < len(vt) else None
                key = (t[0], t[1], round(n[0], 3), round(n[1], 3), round(n[2], 3))
                at = index_of.get(key)
                if at is None:
                    at = len(verts)
                    verts.append((positions[t[0]], n, (uv[0], 1.0 - uv[1]) if uv else (0.0, 0.0)))
                    index_of[key] = at
                indices.append(at)
        if indices:
            out[material] = (verts, indices)
    return out


def cluster(geometry, target):
    """A far version: vertices snapped to a grid and merged, the collapsed triangles dropped,
    with the cell grown until at most `target` triangles are left. Coarse, but it always gets
    there (an edge-collapse simplifier stops at texture seams); it is only seen from afar."""
    lo = [min(p[k] for verts, _ in geometry.values() for p, _, _ in verts) for k in range(3)]
    hi = [max(p[k] for verts, _ in geometry.values() for p, _, _ in verts) for k in range(3)]
    extent = max(hi[k] - lo[k] for k in range(3))
    cell = extent / 64
    while True:
        out, count = {}, 0
        for material, (verts, indices) in geometry.items():
            cells, members = {}, []
            remap = []
            for p, n, t in verts:
                key = tuple(int((p[k] - lo[k]) / cell) for k in range(3))
                at = cells.get(key)
                if at is None:
                    at = cells[key] = len(members)
                    members.append([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0], 0])
                m = members[at]
                for k in range(3):
                    m[0][k] += p[k]
                    m[1][k] += n[k]
                m[2][0] += t[0]
                m[2][1] += t[1]
                m[3] += 1
                remap.append(at)
            tris, seen = [], set()
            for i in range(0, len(indices), 3):
                a, b, c = remap[indices[i]], remap[indices[i + 1]], remap[indices[i + 2]]
                if a == b or b == c or a == c or frozenset((a, b, c)) in seen:
                    continue
                seen.add(frozenset((a, b, c)))
                tris.extend((a, b, c))
            if tris:
                new_verts = [(tuple(x / m[3] for x in m[0]), normalize(m[1]), (m[2][0] / m[3], m[2][1] / m[3])) for m in members]
                out[material] = (new_verts, tris)
                count += len(tris) // 3
        if count <= target or cell > extent:
            return out
        cell *= 1.25


# --- glTF ------------------------------------------------------------------------------------

def png_has_alpha(data):
    # IHDR colour type 4 (grey + alpha) or 6 (RGBA); a tRNS chunk also makes pixels transparent.
    return data[:8] == b"\x89PNG\r\n\x1a\n" and (data[25] in (4, 6) or b"tRNS" in data[:4096])


def write_glb(geometry, materials, textures):
    """One mesh, one primitive per material, textures embedded. Returns (bytes, triangles)."""
    blob = bytearray()
    views, accessors, gl_materials, primitives, images, gl_textures = [], [], [], [], [], []
    image_of = {}

    def add_view(data, target=None):
        while len(blob) % 4:
            blob.append(0)
        views.append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data), **({"target": target} if target else {})})
        blob.extend(data)
        return len(views) - 1

    triangles = 0
    for name, (verts, indices) in geometry.items():
        mat = materials.get(name, {"Kd": [0.8, 0.8, 0.8], "d": 1.0, "Ns": 0.0, "Ke": [0, 0, 0]})
        texture = textures.get(mat.get("map_Kd", "").lower()) if mat.get("map_Kd") else None
        pos = array.array("f", [c for p, _, _ in verts for c in p])
        nor = array.array("f", [c for _, n, _ in verts for c in n])
        uvs = array.array("f", [c for _, _, t in verts for c in t])
        idx = array.array("I", indices)
        lo = [min(p[k] for p, _, _ in verts) for k in range(3)]
        hi = [max(p[k] for p, _, _ in verts) for k in range(3)]
        attrs = {}
        accessors.append({"bufferView": add_view(pos.tobytes(), 34962), "componentType": 5126, "count": len(verts), "type": "VEC3", "min": lo, "max": hi})
        attrs["POSITION"] = len(accessors) - 1
        accessors.append({"bufferView": add_view(nor.tobytes(), 34962), "componentType": 5126, "count": len(verts), "type": "VEC3"})
        attrs["NORMAL"] = len(accessors) - 1
        if texture is not None:
            accessors.append({"bufferView": add_view(uvs.tobytes(), 34962), "componentType": 5126, "count": len(verts), "type": "VEC2"})
            attrs["TEXCOORD_0"] = len(accessors) - 1
        accessors.append({"bufferView": add_view(idx.tobytes(), 34963), "componentType": 5125, "count": len(idx), "type": "SCALAR"})
        triangles += len(idx) // 3

        alpha = max(0.0, min(1.0, mat["d"]))
        roughness = max(0.3, min(1.0, math.sqrt(2.0 / (mat["Ns"] + 2.0)))) if mat["Ns"] > 0 else 0.9
        gm = {"name": name or "default", "pbrMetallicRoughness": {"metallicFactor": 0.0, "roughnessFactor": roughness}, "doubleSided": True}
        if texture is not None:
            key = mat["map_Kd"].lower()
            if key not in image_of:
                data, mime = texture
                images.append({"bufferView": add_view(data), "mimeType": mime})
                gl_textures.append({"source": len(images) - 1, "sampler": 0})
                image_of[key] = len(gl_textures) - 1
            gm["pbrMetallicRoughness"]["baseColorTexture"] = {"index": image_of[key]}
            gm["pbrMetallicRoughness"]["baseColorFactor"] = [1.0, 1.0, 1.0, alpha]
            if texture[1] == "image/png" and png_has_alpha(texture[0]):
                gm["alphaMode"], gm["alphaCutoff"] = "MASK", 0.5
        else:
            # MTL colours are what Sweet Home 3D shows on screen (no gamma): sRGB.
            gm["pbrMetallicRoughness"]["baseColorFactor"] = [srgb_to_linear(c) for c in mat["Kd"]] + [alpha]
        if alpha < 0.99:
            gm["alphaMode"] = "BLEND"
        if any(c > 0.01 for c in mat["Ke"]):
            gm["emissiveFactor"] = [srgb_to_linear(c) for c in mat["Ke"]]
        gl_materials.append(gm)
        primitives.append({"attributes": attrs, "indices": len(accessors) - 1, "material": len(gl_materials) - 1, "mode": 4})

    doc = {
        "asset": {"version": "2.0", "generator": f"sayscape scripts/models.py {CONVERTER_VERSION}"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": primitives}],
        "materials": gl_materials,
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(blob)}],
    }
    if images:
        doc.update(images=images, textures=gl_textures, samplers=[{"magFilter": 9729, "minFilter": 9987, "wrapS": 10497, "wrapT": 10497}])
    return glb_bytes(doc, bytes(blob)), triangles


def glb_bytes(doc, blob):
    js = json.dumps(doc, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 4)
    blob += b"\0" * (-len(blob) % 4)
    total = 12 + 8 + len(js) + 8 + len(blob)
    return struct.pack("<III", 0x46546C67, 2, total) + struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", len(blob), 0x004E4942) + blob


def read_glb(data):
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != 0x46546C67 or version != 2 or total != len(data):
        raise ConversionError("not a GLB 2 file")
    length, kind = struct.unpack_from("<II", data, 12)
    if kind != 0x4E4F534A:
        raise ConversionError("GLB without a JSON chunk")
    return json.loads(data[20:20 + length])


def check_glb(data):
    """What the world relies on: GLB 2, no required or unknown extensions, triangles, its box."""
    doc = read_glb(data)
    used = set(doc.get("extensionsUsed", []))
    if doc.get("extensionsRequired") or used - ALLOWED_EXTENSIONS:
        raise ConversionError(f"uses glTF extensions Bevy cannot read: {sorted(used - ALLOWED_EXTENSIONS)}")
    triangles, lo, hi = 0, [math.inf] * 3, [-math.inf] * 3
    for node in doc["nodes"]:
        if any(k in node for k in ("matrix", "translation", "rotation", "scale")):
            raise ConversionError("a node carries a transform; the converted model should be baked")
    for mesh in doc["meshes"]:
        for p in mesh["primitives"]:
            if p.get("mode", 4) != 4:
                raise ConversionError("a primitive is not a triangle list")
            triangles += doc["accessors"][p["indices"]]["count"] // 3
            acc = doc["accessors"][p["attributes"]["POSITION"]]
            if acc["componentType"] != 5126:
                raise ConversionError("quantised positions (KHR_mesh_quantization) are not readable by Bevy")
            lo = [min(a, b) for a, b in zip(lo, acc["min"])]
            hi = [max(a, b) for a, b in zip(hi, acc["max"])]
    if triangles == 0:
        raise ConversionError("no triangles")
    return triangles, lo, hi


# --- one model -------------------------------------------------------------------------------

def convert_model(model_id, entry, archive, catalog, gltfpack, budget):
    path = entry["file"]
    item = catalog.get(path)
    if item is None:
        raise ConversionError(f"{path} is not in the library's catalog")
    if item.get("creator", "").strip() != entry["author"]:
        raise ConversionError(f"the library credits {item.get('creator')!r}, the manifest {entry['author']!r}")
    size = [float(item["width"]), float(item["depth"]), float(item["height"])]
    if any(abs(a - b) > 0.01 for a, b in zip(size, entry["size_cm"])):
        raise ConversionError(f"the library sizes it {size} cm, the manifest {entry['size_cm']}")
    rotation = [float(x) for x in item["modelRotation"].split()] if "modelRotation" in item else None
    if rotation != entry.get("rotation"):
        raise ConversionError(f"the library rotates it {rotation}, the manifest {entry.get('rotation')}")
    names = {n.lower(): n for n in archive.namelist()}
    obj_text = archive.read(path).decode("utf-8", errors="replace")
    obj = read_obj(obj_text)
    folder = path.rsplit("/", 1)[0]
    materials = {}
    for lib in obj[4]:
        name = names.get(f"{folder}/{lib}".lower())
        if name is None:
            # A few OBJ files name a library the archive holds under the OBJ's own name.
            name = names.get(path[: -len(".obj")].lower() + ".mtl")
            if name is None:
                raise ConversionError(f"{path}: its material library {lib!r} is missing")
            log(f"{model_id}: material library {lib!r} missing, using {name.rsplit('/', 1)[-1]!r}")
        materials.update(read_mtl(archive.read(name).decode("utf-8", errors="replace")))
    textures = {}
    for mat in materials.values():
        tex = mat.get("map_Kd")
        if not tex:
            continue
        name = names.get(f"{folder}/{tex}".lower())
        if name is None:
            log(f"{model_id}: texture {tex!r} is missing from the library; its colour is used instead")
            continue
        data = archive.read(name)
        mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg" if data[:2] == b"\xff\xd8" else None
        if mime is None:
            log(f"{model_id}: texture {tex!r} is neither PNG nor JPEG; its colour is used instead")
            continue
        textures[tex.lower()] = (data, mime)
    geometry = build_geometry(obj, item, float(entry.get("yaw", 0.0)))
    glb, triangles = write_glb(geometry, materials, textures)
    far = None
    if "far" in entry:
        far, far_triangles = write_glb(cluster(geometry, int(entry["far"]["triangles"])), materials, textures)
        log(f"{model_id}: far version {triangles} → {far_triangles} triangles")
    if triangles > budget:
        glb = simplify(glb, triangles, budget, gltfpack, model_id)
    return glb, far, triangles


def simplify(glb, triangles, budget, gltfpack, model_id):
    """gltfpack, no quantisation (Bevy lacks KHR_mesh_quantization), no compression."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.glb"), os.path.join(tmp, "out.glb")
        with open(src, "wb") as f:
            f.write(glb)
        ratio = max(0.01, budget / triangles)
        for extra in ([], ["-sa"]):
            cmd = [gltfpack, "-noq", "-si", f"{ratio:.4f}", *extra, "-i", src, "-o", dst]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                raise ConversionError(f"gltfpack failed: {done.stderr.strip() or done.stdout.strip()}")
            with open(dst, "rb") as f:
                out = f.read()
            got, _, _ = check_glb(out)
            if got <= budget * 1.25:
                break
        log(f"{model_id}: {triangles} → {got} triangles (budget {budget})")
        return out


# --- the whole set ---------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).hexdigest()


def verified(out_dir, entry):
    path = os.path.join(out_dir, entry["file"])
    if not os.path.exists(path):
        return False
    with open(path, "rb") as f:
        return sha256(f.read()) == entry.get("sha256")


def write_file(path, data):
    """Atomically: a reader sees the old file or the new one."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def recipe_of(model_id, entry, library, budget, archive_path):
    st = os.stat(archive_path)
    recipe = {"converter": CONVERTER_VERSION, "id": model_id, "entry": entry, "library": library,
              "budget": budget, "archive": [archive_path, st.st_size]}
    return sha256(json.dumps(recipe, sort_keys=True).encode())


def convert_all(manifest_path, out_dir, gltfpack, only=None):
    t0 = time.time()
    with open(manifest_path) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT:
        raise ConversionError(f"{manifest_path}: format {manifest.get('format')!r}, expected {FORMAT!r}")
    os.makedirs(out_dir, exist_ok=True)
    index_path = os.path.join(out_dir, "index.json")
    index = {"format": FORMAT, "models": {}}
    if os.path.exists(index_path):
        try:
            with open(index_path) as f:
                old = json.load(f)
            if old.get("format") == FORMAT:
                index["models"] = old.get("models", {})
        except (OSError, ValueError):
            log(f"{index_path}: unreadable, every model is converted again")
    libraries = manifest["libraries"]
    models = manifest["models"]
    wanted = {m for m in models if only is None or m in only}
    # Files of models no longer in the manifest go.
    for stale in set(index["models"]) - set(models):
        index["models"].pop(stale)
        for name in (f"{stale}.glb", f"{stale}-far.glb"):
            try:
                os.remove(os.path.join(out_dir, name))
            except FileNotFoundError:
                pass
    archives, catalogs = {}, {}
    converted = skipped = 0
    failures = []
    try:
        for model_id in sorted(wanted):
            entry = models[model_id]
            lib_name = entry["library"]
            library = libraries.get(lib_name)
            if library is None:
                failures.append(f"{model_id}: unknown library {lib_name!r}")
                continue
            archive_path = library["archive"]
            if not os.path.exists(archive_path):
                raise ConversionError(f"{archive_path} is missing: install the Debian package {manifest['package']}")
            budget = int(entry.get("triangles", manifest["triangles"]))
            recipe = recipe_of(model_id, entry, library, budget, archive_path)
            out_path = os.path.join(out_dir, f"{model_id}.glb")
            known = index["models"].get(model_id)
            if known and known.get("recipe") == recipe:
                if verified(out_dir, known) and (known.get("far") is None or verified(out_dir, known["far"])):
                    skipped += 1
                    continue
                log(f"{model_id}: cached file missing or failing its check, converting again")
            if lib_name not in archives:
                archives[lib_name] = zipfile.ZipFile(archive_path)
                catalogs[lib_name] = read_catalog(archives[lib_name])
            try:
                glb, far, source_triangles = convert_model(model_id, entry, archives[lib_name], catalogs[lib_name], gltfpack, budget)
                triangles, lo, hi = check_glb(glb)
                far_triangles = check_glb(far)[0] if far is not None else None
            except (ConversionError, KeyError, ValueError, IndexError, zipfile.BadZipFile) as e:
                failures.append(f"{model_id} ({lib_name} {entry['file']}): {e}")
                continue
            write_file(out_path, glb)
            if far is not None:
                write_file(os.path.join(out_dir, f"{model_id}-far.glb"), far)
            index["models"][model_id] = {
                "file": f"{model_id}.glb",
                "sha256": sha256(glb),
                "recipe": recipe,
                "triangles": triangles,
                # Width (x), height (y), depth (z) in metres; the base's centre is the origin.
                "size": [round(hi[0] - lo[0], 4), round(hi[1] - lo[1], 4), round(hi[2] - lo[2], 4)],
                "source_triangles": source_triangles,
            }
            if far is not None:
                index["models"][model_id]["far"] = {"file": f"{model_id}-far.glb", "sha256": sha256(far), "triangles": far_triangles}
            converted += 1
    finally:
        for a in archives.values():
            a.close()
        write_file(index_path, json.dumps(index, indent=1, sort_keys=True).encode())
    log(f"{converted} converted, {skipped} already there and verified, {len(failures)} failed, in {time.time() - t0:.1f} s → {out_dir}")
    if failures:
        for failure in failures:
            log(f"FAILED {failure}")
        raise ConversionError(f"{len(failures)} models could not be converted")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    home = os.environ.get("SAYSCAPE_HOME", os.path.join(os.path.expanduser("~"), ".cache", "sayscape"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--manifest", default=os.path.join(here, "..", "assets", "models", "manifest.json"))
    parser.add_argument("--out", default=os.path.join(home, "models", "glb"))
    parser.add_argument("--gltfpack", default=shutil.which("gltfpack") or "gltfpack")
    parser.add_argument("--only", help="comma-separated model ids (for trying one out)")
    args = parser.parse_args()
    try:
        convert_all(args.manifest, args.out, args.gltfpack, set(args.only.split(",")) if args.only else None)
    except ConversionError as e:
        log(f"error: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
