"""The world map of `wirestream web`: an equirectangular projection and the country outlines of
the npm package `world-atlas` (Natural Earth 1:110m as TopoJSON) turned into SVG paths.

Pure: files in, strings out. The geometry is read from an installed copy of the package (no
network at run time); `find_world_atlas` says where it looks.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The SVG's user space: 360° of longitude by 180° of latitude, 1000/360 units per degree.
MAP_WIDTH = 1000.0
MAP_HEIGHT = 500.0
# The part of it the page shows: 85°N to 60°S (no one reports events from the poles).
VIEW_TOP, VIEW_BOTTOM = 85.0, -60.0
WORLD_ATLAS_VERSION = "2.0.2"
WORLD_ATLAS_FILE = "countries-110m.json"
# Where `npm install --prefix <venv>/share/wirestream world-atlas` puts it (README, Makefile).
VENDOR_SUBDIR = Path("share") / "wirestream" / "node_modules" / "world-atlas"
INSTALL_HINT = (f"npm install --no-audit --no-fund --no-save --prefix "
                f"{Path(sys.prefix) / 'share' / 'wirestream'} world-atlas@{WORLD_ATLAS_VERSION}")
LICENCE_NOTE = ("Country outlines: Natural Earth 1:110m (public domain), via the npm package "
                f"world-atlas {WORLD_ATLAS_VERSION} by Mike Bostock (ISC licence).")


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular: (-180, 90) is the top-left corner, (180, -90) the bottom-right."""
    lat = min(90.0, max(-90.0, lat))
    return ((lon + 180.0) / 360.0 * MAP_WIDTH, (90.0 - lat) / 180.0 * MAP_HEIGHT)


def find_world_atlas(explicit: Path | None = None) -> Path | None:
    """The TopoJSON file: `explicit` if given (it must exist), else the copy npm installed
    under this Python's prefix (the venv), else None."""
    if explicit is not None:
        return explicit if explicit.is_file() else None
    candidate = Path(sys.prefix) / VENDOR_SUBDIR / WORLD_ATLAS_FILE
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class Country:
    id: str | None
    name: str
    path: str  # SVG path data in map units


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as absolute (lon, lat) points: undo the delta encoding and quantisation."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list[tuple[float, float]]]
                ) -> list[tuple[float, float]]:
    """A ring from its arc indexes (~i is arc i reversed); shared end points appear once."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous across the antimeridian (179 → 181, not → -179)."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for i, (lon, lat) in enumerate(points):
        if i:
            step = lon + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((lon + shift, lat))
    return out


def ring_copies(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring ready for a flat map: unwrapped; a ring round a pole (Antarctica) closed along
    the pole; a ring running past ±180° also drawn shifted by 360° (the SVG clips the rest)."""
    ring = unwrap(points)
    if not ring:
        return []
    turn = ring[-1][0] - ring[0][0]
    if abs(turn) > 180:  # goes round the pole: close it along the nearer pole's line
        pole = -90.0 if sum(lat for _, lat in ring) < 0 else 90.0
        ring = [*ring, (ring[-1][0], pole), (ring[0][0], pole)]
    lons = [lon for lon, _ in ring]
    copies = [ring]
    if max(lons) > 180:
        copies.append([(lon - 360, lat) for lon, lat in ring])
    if min(lons) < -180:
        copies.append([(lon + 360, lat) for lon, lat in ring])
    return copies


def ring_path(points: list[tuple[float, float]]) -> str:
    xy = (project(lon, lat) for lon, lat in points)
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z"


def country_paths(topology: dict[str, Any], object_name: str = "countries") -> list[Country]:
    """One SVG path per country of the TopoJSON object (Polygon and MultiPolygon)."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"][object_name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        parts = [ring_path(copy)
                 for polygon in polygons for ring in polygon
                 for copy in ring_copies(ring_points(ring, arcs))]
        if parts:
            name = (geometry.get("properties") or {}).get("name") or ""
            countries.append(Country(geometry.get("id"), name, "".join(parts)))
    return countries


def graticule_path(step: int = 30) -> str:
    """Meridians and parallels every `step` degrees."""
    lines = [f"M{project(lon, 90)[0]:.1f},0V{MAP_HEIGHT:.0f}" for lon in range(-180, 181, step)]
    lines += [f"M0,{project(0, lat)[1]:.1f}H{MAP_WIDTH:.0f}" for lat in range(-90 + step, 90, step)]
    return "".join(lines)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def map_svg(countries: list[Country]) -> str:
    """The inline SVG of the page: sea, graticule, countries, and an empty marker layer that
    app.js fills (`<g id="markers">`)."""
    top, bottom = project(0, VIEW_TOP)[1], project(0, VIEW_BOTTOM)[1]
    shapes = "\n".join(
        f'<path class="country" data-id="{_escape(c.id or "")}" d="{c.path}">'
        f"<title>{_escape(c.name)}</title></path>" for c in countries)
    return (
        f'<svg id="map" viewBox="0 {top:.1f} {MAP_WIDTH:.0f} {bottom - top:.1f}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="World map of the events">'
        f'<rect class="sea" width="{MAP_WIDTH:.0f}" height="{MAP_HEIGHT:.0f}"/>'
        f'<path class="graticule" d="{graticule_path()}"/>'
        f'<g id="countries">{shapes}</g><g id="markers"></g></svg>')


def load_map_svg(path: Path | None) -> str:
    """The page's SVG from the TopoJSON at `path`; without one, the graticule alone."""
    if path is None:
        return map_svg([])
    return map_svg(country_paths(json.loads(path.read_text(encoding="utf-8"))))
