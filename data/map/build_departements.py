#!/usr/bin/env python3
"""Build data/map/departements.json: SVG-ready outlines of the French départements.

Input: `departements-avec-outre-mer.geojson` from github.com/gregoiredavid/france-geojson
(commit 5d34ee6d0140c29f785fdb047d9329f1aab58833; IGN ADMIN EXPRESS COG 2018,
Licence Ouverte / Etalab). See LICENSE.md beside this file for how to get it.

Usage (Python 3.11, with shapely and pyproj installed in a venv outside the repository):

    python3 -m venv /tmp/mapvenv && /tmp/mapvenv/bin/pip install shapely==2.2.0 pyproj==3.7.2
    /tmp/mapvenv/bin/python data/map/build_departements.py \
        /path/to/departements-avec-outre-mer.geojson [output.json, default data/map/departements.json]

What it does, deterministically (same input and library versions, same bytes out):
  1. Metropolitan France (96 départements incl. 2A/2B) is projected to Lambert-93
     (EPSG:2154) and scaled into the right part of the viewBox; the five overseas
     départements (971, 972, 973, 974, 976) are each projected to their official UTM
     zone and scaled to fit one inset box in a column along the left edge.
     y points down (SVG convention).
  2. Topology-preserving simplification: every ring is cut at its junctions (vertices
     where three or more borders meet), each shared border ("arc") is simplified once
     with Douglas-Peucker (tolerance TOLERANCE, in viewBox units) and reused by both
     neighbours, so adjacent départements keep identical borders, without gaps.
     Then, on the coordinates rounded to 0.1, any two simplified segments that cross or
     overlap (in one arc or between arcs) get back the dropped vertex farthest from them,
     until none is left (only crossings already in the source at 0.1 resolution stay).
  3. Coordinates are rounded to 0.1; rings that end up smaller than MIN_RING_AREA
     (tiny islets, slivers) are dropped, but each département keeps its largest ring.
     Outer rings are clockwise on screen and holes counter-clockwise, so the default
     fill-rule (nonzero) and evenodd both draw the enclaves (Enclave des papes, Llívia,
     Étang de Berre...) as holes.
  4. label_x/label_y is the pole of inaccessibility (polylabel) of the largest polygon,
     a point well inside the shape.
"""

import csv
import hashlib
import json
import math
import sys
from pathlib import Path

from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.ops import polylabel

HERE = Path(__file__).resolve().parent
REFERENCE_CSV = HERE.parent / "reference" / "departements.csv"

SOURCE_SHA256 = "0c331e85eef244d8014f68a4c256bb732e28776aceec53ddf849624f2eb6c163"
SOURCE = (
    "IGN ADMIN EXPRESS COG 2018 (département outlines), via github.com/gregoiredavid/france-geojson "
    "commit 5d34ee6d0140c29f785fdb047d9329f1aab58833, file departements-avec-outre-mer.geojson; "
    "projected (Lambert-93 for metropolitan France, UTM insets for overseas) and simplified "
    "by data/map/build_departements.py"
)
LICENCE = "Licence Ouverte / Open Licence (Etalab) — source: IGN, ADMIN EXPRESS COG 2018"

# Layout, in viewBox units.
WIDTH = 600.0
MARGIN = 5.0  # around everything
INSET_COLUMN = 90.0  # width of the column of overseas boxes on the left
INSET_GAP = 6.0  # vertical gap between two boxes
COLUMN_GAP = 12.0  # between the column of boxes and metropolitan France
INSET_PADDING = 5.0  # inside a box, around the shape

# Simplification, in viewBox units.
TOLERANCE = 0.3  # Douglas-Peucker tolerance
MIN_RING_AREA = 1.0  # rings (islets, enclaves) under this area are dropped

OVERSEAS = ["971", "972", "973", "974", "976"]  # top to bottom
UTM = {  # official projected CRS of each overseas département
    "971": "EPSG:5490",  # RGAF09 / UTM 20N
    "972": "EPSG:5490",  # RGAF09 / UTM 20N
    "973": "EPSG:2972",  # RGFG95 / UTM 22N
    "974": "EPSG:2975",  # RGR92 / UTM 40S
    "976": "EPSG:4471",  # RGM04 / UTM 38S
}


def rings_of(geometry):
    """[[ring, ring...] per polygon], each ring a list of (lon, lat) tuples, not closed."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            pts = []
            for lon, lat in ring:
                p = (float(lon), float(lat))
                if not pts or pts[-1] != p:
                    pts.append(p)
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            if len(pts) >= 3:
                rings.append(pts)
        if rings:
            out.append(rings)
    return out


def bounds(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def fit(points_m, box):
    """Affine map (x, y metres, y up) -> viewBox (y down) fitting points_m centred in box."""
    x0, y0, x1, y1 = bounds(points_m)
    bx, by, bw, bh = box
    scale = min(bw / (x1 - x0), bh / (y1 - y0))
    ox = bx + (bw - (x1 - x0) * scale) / 2
    oy = by + (bh - (y1 - y0) * scale) / 2
    return lambda x, y: (ox + (x - x0) * scale, oy + (y1 - y) * scale)


def douglas_peucker(points, tol):
    """Indices kept by Douglas-Peucker on an open polyline (endpoints always kept)."""
    n = len(points)
    if n <= 2:
        return list(range(n))
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tol * tol
    while stack:
        a, b = stack.pop()
        ax, ay = points[a]
        bx, by = points[b]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / seg2
                t = 0.0 if t < 0 else 1.0 if t > 1 else t
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = True
            stack.append((a, best_i))
            stack.append((best_i, b))
    return [i for i in range(n) if keep[i]]


def signed_area(ring):
    """Shoelace area; positive = clockwise on screen (y down)."""
    s = 0.0
    for i in range(len(ring)):
        x0, y0 = ring[i - 1]
        x1, y1 = ring[i]
        s += x0 * y1 - x1 * y0
    return s / 2


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    src = Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else HERE / "departements.json"
    raw = src.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"warning: source sha256 {digest} differs from the one this script was written for", file=sys.stderr)
    collection = json.loads(raw)

    with REFERENCE_CSV.open(encoding="utf-8", newline="") as f:
        reference = [row for row in csv.DictReader(f) if row["zone"] in ("metro", "drom")]
    names = {row["code"]: row["name"] for row in reference}
    order = [row["code"] for row in reference]

    geometries = {}
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        if code in geometries:
            raise SystemExit(f"duplicate code {code}")
        geometries[code] = rings_of(feature["geometry"])
    missing = [c for c in order if c not in geometries]
    extra = [c for c in geometries if c not in names]
    if missing or extra:
        raise SystemExit(f"codes missing from source: {missing}; unknown codes in source: {extra}")
    metro = [c for c in order if c not in OVERSEAS]
    if len(metro) != 96 or [c for c in order if c in OVERSEAS] != OVERSEAS:
        raise SystemExit("reference list is not 96 metropolitan + 5 overseas départements")

    def all_points(codes):
        return [p for c in codes for polygon in geometries[c] for ring in polygon for p in ring]

    # 1. Projection into viewBox coordinates, one mapping per vertex (keyed by lon/lat).
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    metro_pts = sorted(set(all_points(metro)))
    metro_m = {p: to_l93.transform(*p) for p in metro_pts}
    mx0, my0, mx1, my1 = bounds(list(metro_m.values()))
    left = MARGIN + INSET_COLUMN + COLUMN_GAP
    scale = (WIDTH - MARGIN - left) / (mx1 - mx0)
    height = math.ceil((my1 - my0) * scale + 2 * MARGIN)
    place = fit(list(metro_m.values()), (left, MARGIN, WIDTH - MARGIN - left, height - 2 * MARGIN))
    projected = {p: place(*xy) for p, xy in metro_m.items()}

    box_h = (height - 2 * MARGIN - INSET_GAP * (len(OVERSEAS) - 1)) / len(OVERSEAS)
    insets = []
    for k, code in enumerate(OVERSEAS):
        box = (MARGIN, MARGIN + k * (box_h + INSET_GAP), INSET_COLUMN, box_h)
        insets.append({"code": code, "x": round(box[0], 1), "y": round(box[1], 1),
                       "width": round(box[2], 1), "height": round(box[3], 1)})
        pts = sorted(set(all_points([code])))
        tr = Transformer.from_crs("EPSG:4326", UTM[code], always_xy=True)
        metres = {p: tr.transform(*p) for p in pts}
        inner = (box[0] + INSET_PADDING, box[1] + INSET_PADDING, box[2] - 2 * INSET_PADDING, box[3] - 2 * INSET_PADDING)
        place_dom = fit(list(metres.values()), inner)
        for p, xy in metres.items():
            if p in projected:
                raise SystemExit(f"vertex {p} shared between {code} and another territory")
            projected[p] = place_dom(*xy)

    # 2. Topology: junctions are vertices with more than two distinct neighbours.
    neighbours = {}
    for code in order:
        for polygon in geometries[code]:
            for ring in polygon:
                n = len(ring)
                for i, p in enumerate(ring):
                    s = neighbours.setdefault(p, set())
                    s.add(ring[i - 1])
                    s.add(ring[(i + 1) % n])
    junction = {p for p, s in neighbours.items() if len(s) > 2}

    # 3. Arcs: each ring is cut at its junctions; an arc is stored once, in canonical order, as its
    #    projected points plus the sorted indices that simplification keeps.
    arcs = {}  # key -> {"pts": [viewBox points], "keep": [indices]}

    def get_arc(key):
        if key not in arcs:
            kind, canon = key
            pts = [projected[p] for p in canon]
            if kind == "closed":  # polyline from the first point around and back to it
                pts.append(pts[0])
                first = pts[0]
                far = max(range(len(pts) - 1), key=lambda i: ((pts[i][0] - first[0]) ** 2 + (pts[i][1] - first[1]) ** 2, -i))
                keep = sorted(set(douglas_peucker(pts[: far + 1], TOLERANCE))
                              | {far + i for i in douglas_peucker(pts[far:], TOLERANCE)})
                while len(keep) < 4 and len(keep) < len(pts):  # a closed ring keeps 3 distinct points at least
                    keep = sorted(set(keep) | {farthest(pts, keep)})
            else:
                keep = douglas_peucker(pts, TOLERANCE)
            arcs[key] = {"pts": pts, "keep": keep}
        return arcs[key]

    def farthest(pts, keep):
        """Index of the dropped point farthest from its simplified segment (None if none dropped)."""
        best, best_i = -1.0, None
        for a, b in zip(keep, keep[1:]):
            i, d = farthest_between(pts, a, b)
            if i is not None and d > best:
                best, best_i = d, i
        return best_i

    def farthest_between(pts, a, b):
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, None
        for i in range(a + 1, b):
            px, py = pts[i]
            t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
            d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > best:
                best, best_i = d, i
        return best_i, best

    def ring_arcs(ring):
        """[(key, forward)] covering the ring in order."""
        cuts = [i for i, p in enumerate(ring) if p in junction]
        if not cuts:
            i = ring.index(min(ring))
            rot = ring[i:] + ring[:i]
            alt = [rot[0]] + list(reversed(rot[1:]))
            return [(("closed", tuple(min(rot, alt))), True)]  # orientation is fixed later
        start = cuts[0]
        rot = ring[start:] + ring[:start]
        cuts = [i - start for i in cuts] + [len(rot)]
        closed = rot + [rot[0]]
        out = []
        for a, b in zip(cuts, cuts[1:]):
            fwd = tuple(closed[a:b + 1])
            rev = fwd[::-1]
            canon = min(fwd, rev)
            out.append((("open", canon), canon == fwd))
        return out

    ring_keys = {}  # (code, polygon index, ring index) -> [(key, forward)]
    for code in order:
        for pi, polygon in enumerate(geometries[code]):
            for ri, ring in enumerate(polygon):
                ring_keys[(code, pi, ri)] = ring_arcs(ring)
                for key, _ in ring_keys[(code, pi, ri)]:
                    get_arc(key)

    def q(p):
        return (round(p[0] * 10), round(p[1] * 10))  # integer tenths

    # 4. Repair: simplified segments (after rounding) that cross or overlap another one, in the same
    #    arc or any other, get back the original vertex farthest from them, until none is left.
    #    Shared arcs are repaired once, for both neighbours. Exact integer arithmetic.
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 0) - (v < 0)

    def on_segment(a, b, c):  # c collinear with a-b: is it within the segment's box?
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])

    def conflict(s, t):
        a, b = s
        c, d = t
        shared = {a, b} & {c, d}
        if len(shared) == 2:
            return True  # the same segment twice: a collapsed ring
        o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
        if len(shared) == 1:  # touching at a common end is fine unless they overlap along a line
            if o1 or o2:
                return False
            other_t = d if c in shared else c
            other_s = b if a in shared else a
            return on_segment(a, b, other_t) or on_segment(c, d, other_s)
        if o1 * o2 < 0 and o3 * o4 < 0:
            return True
        return ((o1 == 0 and on_segment(a, b, c)) or (o2 == 0 and on_segment(a, b, d))
                or (o3 == 0 and on_segment(c, d, a)) or (o4 == 0 and on_segment(c, d, b)))

    CELL = 20  # grid cell for the search, in tenths
    unresolved = 0
    for attempt in range(100):
        segments = []  # (key, a, b, (qa, qb))
        for key in sorted(arcs):
            arc = arcs[key]
            for a, b in zip(arc["keep"], arc["keep"][1:]):
                qa, qb = q(arc["pts"][a]), q(arc["pts"][b])
                if qa != qb:
                    segments.append((key, a, b, (qa, qb)))
        grid = {}
        for n, (_, _, _, (qa, qb)) in enumerate(segments):
            for gx in range(min(qa[0], qb[0]) // CELL, max(qa[0], qb[0]) // CELL + 1):
                for gy in range(min(qa[1], qb[1]) // CELL, max(qa[1], qb[1]) // CELL + 1):
                    grid.setdefault((gx, gy), []).append(n)
        pairs = set()
        for cell in grid.values():
            for i in range(len(cell)):
                for j in range(i + 1, len(cell)):
                    m, n = cell[i], cell[j]
                    if (m, n) not in pairs and conflict(segments[m][3], segments[n][3]):
                        pairs.add((m, n))
        additions = {}
        unresolved = 0
        for m, n in sorted(pairs):
            fixed = False
            for key, a, b, _ in (segments[m], segments[n]):
                if b - a > 1:
                    additions.setdefault(key, set()).add(farthest_between(arcs[key]["pts"], a, b)[0])
                    fixed = True
            unresolved += not fixed
        if not additions:
            break
        for key, idx in additions.items():
            arcs[key]["keep"] = sorted(set(arcs[key]["keep"]) | idx)
    if unresolved:
        print(f"note: {unresolved} crossings come from the source at 0.1 resolution and stay", file=sys.stderr)

    def rounded(points):
        out = []
        for p in points:
            qp = q(p)
            if not out or out[-1] != qp:
                out.append(qp)
        while len(out) > 1 and out[0] == out[-1]:
            out.pop()
        return out

    def ring_points(keys):
        pts = []
        for key, forward in keys:
            arc = arcs[key]
            seq = [arc["pts"][i] for i in arc["keep"]]
            if not forward:
                seq.reverse()
            pts.extend(seq[:-1])  # the last point is the next arc's first (or the ring's start)
        return rounded(pts)

    def fmt(v):
        return f"{v // 10}" if v % 10 == 0 else f"{v / 10:.1f}"

    min_area = MIN_RING_AREA * 100  # tenths squared

    def build(code):
        """Kept polygons [(outer, [holes])] in integer tenths; outer rings clockwise on screen."""
        polygons = [[ring_points(ring_keys[(code, pi, ri)]) for ri in range(len(polygon))]
                    for pi, polygon in enumerate(geometries[code])]
        largest = max(range(len(polygons)), key=lambda i: (abs(signed_area(polygons[i][0])), -i))
        kept = []
        for i, rings in enumerate(polygons):
            outer, holes = rings[0], rings[1:]
            if i != largest and (len(outer) < 3 or abs(signed_area(outer)) < min_area):
                continue
            if signed_area(outer) < 0:
                outer = outer[::-1]
            hs = [h[::-1] if signed_area(h) > 0 else h for h in holes if len(h) >= 3 and abs(signed_area(h)) >= min_area]
            kept.append((outer, hs))
        return kept

    entries = []
    total_points = 0
    for code in order:
        kept = build(code)

        parts = []
        for outer, holes in kept:
            for ring in [outer] + holes:
                total_points += len(ring)
                x0, y0 = ring[0]
                d = [f"M{fmt(x0)} {fmt(y0)}"]
                for (xa, ya), (xb, yb) in zip(ring, ring[1:]):
                    dy = fmt(yb - ya)
                    d.append(fmt(xb - xa) + ("" if dy.startswith("-") else " ") + dy)
                # relative lineto pairs; a space separates numbers unless a minus sign does
                parts.append(d[0] + "l" + "".join(x if x.startswith("-") else " " + x for x in d[1:]).lstrip() + "z")
        path = "".join(parts)

        outer, holes = kept[0] if len(kept) == 1 else max(kept, key=lambda k: abs(signed_area(k[0])))
        shape = Polygon([(x / 10, y / 10) for x, y in outer], [[(x / 10, y / 10) for x, y in h] for h in holes])
        label = polylabel(shape.buffer(0) if not shape.is_valid else shape, tolerance=0.05)
        entries.append({
            "code": code,
            "name": names[code],
            "path": path,
            "label_x": round(label.x, 1),
            "label_y": round(label.y, 1),
        })

    document = {
        "viewBox": f"0 0 {WIDTH:g} {height}",
        "source": SOURCE,
        "licence": LICENCE,
        "projection": "metropolitan France: Lambert-93 (EPSG:2154); overseas insets: UTM (EPSG:5490, 2972, 2975, 4471), each scaled to its box",
        "simplification": f"topology-preserving Douglas-Peucker, tolerance {TOLERANCE} viewBox units; rings under {MIN_RING_AREA} square units dropped; coordinates rounded to 0.1",
        "insets": insets,
        "departements": entries,
    }
    # one key per line, one inset and one département per line (readable diffs)
    text = "{\n"
    for k, v in document.items():
        if isinstance(v, list):
            text += f' "{k}": [\n' + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in v) + "\n ]"
        else:
            text += f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
        text += ",\n" if k != "departements" else "\n}\n"
    json.loads(text)  # sanity check
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(entries)} départements, {total_points} points, {len(text.encode())} bytes, viewBox {document['viewBox']}",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
