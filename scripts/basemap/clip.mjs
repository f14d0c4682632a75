#!/usr/bin/env node
// Clips the Natural Earth country borders of the AABC region out of the npm package
// `world-atlas` (TopoJSON) and writes them as GeoJSON to vendor/natural-earth/, with the
// whole world at 1:110m beside them (release format 6 clips it to the data's extent).
//
//   node scripts/basemap/clip.mjs [REGION_OUT [WORLD_OUT]]
//
// (defaults: vendor/natural-earth/region-50m.geojson and vendor/natural-earth/world-110m.geojson)
//
// The package is fetched with `npm pack` at a pinned version and checked against its pinned
// integrity, so re-running the script gives the same bytes. Only Node's standard library and
// the system `tar` are used. Rings are clipped to the bounding box with Sutherland–Hodgman and
// coordinates rounded to 3 decimals (about 100 m), one feature per line.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PACKAGE = "world-atlas";
const VERSION = "2.0.2";
const INTEGRITY =
  "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==";
const FILE = "countries-50m.json";
const WORLD_FILE = "countries-110m.json";
// The world layer is coarse (1 mm of a 1:110m map is 110 km): 2 decimals (about 1 km) keep
// every point it has and the file small.
const WORLD_DECIMALS = 2;
// [west, south, east, north]: Armenia, Azerbaijan with Nakhchivan, and the edges of Georgia,
// Türkiye, Iran and Russia around them.
const BBOX = [42.0, 37.5, 51.0, 42.5];
// ISO 3166-1 numeric codes (the features' ids in world-atlas) of the countries kept.
const COUNTRIES = ["031", "051", "268", "364", "643", "792"];
const DECIMALS = 3;

const out = process.argv[2] ?? "vendor/natural-earth/region-50m.geojson";
const worldOut = process.argv[3] ?? "vendor/natural-earth/world-110m.geojson";
const work = mkdtempSync(join(tmpdir(), "aabc-basemap-"));
try {
  // From npm's cache when it holds the package (tests/interop/setup.sh puts it there).
  execFileSync("npm", ["pack", `${PACKAGE}@${VERSION}`, "--prefer-offline", "--silent", "--pack-destination", work], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tgz = readdirSync(work).find((f) => f.endsWith(".tgz"));
  const bytes = readFileSync(join(work, tgz));
  const got = "sha512-" + createHash("sha512").update(bytes).digest("base64");
  if (got !== INTEGRITY) {
    throw new Error(`${tgz}: integrity ${got}, expected ${INTEGRITY}`);
  }
  execFileSync("tar", ["xzf", join(work, tgz), "-C", work, `package/${FILE}`, `package/${WORLD_FILE}`]);
  const topo = JSON.parse(readFileSync(join(work, "package", FILE), "utf8"));
  writeFileSync(out, clip(topo));
  const world = JSON.parse(readFileSync(join(work, "package", WORLD_FILE), "utf8"));
  writeFileSync(worldOut, whole(world));
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Every country of the world layer, unclipped, rounded to WORLD_DECIMALS, one per line, sorted
// by id (features without an id, such as Northern Cyprus and Kosovo in world-atlas, after
// the others, by name).
function whole(topo) {
  const ring = rings(topo);
  const box = [-180, -90, 180, 90];
  const lines = topo.objects.countries.geometries
    .slice()
    .sort((a, b) => order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)
    .map((g) => {
      const polygons = g.type === "Polygon" ? [g.arcs] : g.arcs;
      const kept = polygons
        .map((polygon) => polygon.map((r) => round(ring(r), WORLD_DECIMALS)).filter((r) => r.length >= 4))
        .filter((rings) => rings.length);
      return { g, kept };
    })
    .filter(({ kept }) => kept.length)
    .map(({ g, kept }) =>
      JSON.stringify({
        type: "Feature",
        ...(g.id === undefined ? {} : { id: g.id }),
        properties: { name: g.properties.name },
        geometry: { type: "MultiPolygon", coordinates: kept },
      }),
    );
  const meta = JSON.stringify({ source: `${PACKAGE}@${VERSION}/${WORLD_FILE}`, bbox: box });
  return `{"type":"FeatureCollection","bbox":${JSON.stringify(box)},"aabc":${meta},"features":[\n${lines.join(",\n")}\n]}\n`;
}

// Sort key of a world feature: its id, or after every id, its name.
function order(g) {
  return g.id === undefined ? `~${g.properties.name}` : g.id;
}

// The TopoJSON's arcs decoded (delta decoding and the quantisation transform), as a function
// from a ring's arc indexes to its points.
function rings(topo) {
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  // Delta-decoded, dequantised arcs.
  const arcs = topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
  return (indexes) => {
    const points = [];
    for (const i of indexes) {
      const a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
      points.push(...(points.length ? a.slice(1) : a));
    }
    return points;
  };
}

function clip(topo) {
  const ring = rings(topo);
  const features = topo.objects.countries.geometries
    .filter((g) => COUNTRIES.includes(g.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((g) => {
      const polygons = g.type === "Polygon" ? [g.arcs] : g.arcs;
      const kept = [];
      for (const polygon of polygons) {
        const rings = polygon.map((r) => round(clipRing(ring(r)))).filter((r) => r.length >= 4);
        // A polygon whose outer ring falls outside the box is dropped with its holes.
        if (rings.length && polygon.length && round(clipRing(ring(polygon[0]))).length >= 4) kept.push(rings);
      }
      return { g, kept };
    })
    .filter(({ kept }) => kept.length);
  const lines = features.map(({ g, kept }) =>
    JSON.stringify({
      type: "Feature",
      id: g.id,
      properties: { name: g.properties.name },
      geometry: { type: "MultiPolygon", coordinates: kept },
    }),
  );
  const meta = JSON.stringify({ source: `${PACKAGE}@${VERSION}/${FILE}`, bbox: BBOX });
  return `{"type":"FeatureCollection","bbox":${JSON.stringify(BBOX)},"aabc":${meta},"features":[\n${lines.join(",\n")}\n]}\n`;
}

// Sutherland–Hodgman against each edge of the box.
function clipRing(points) {
  const [w, s, e, n] = BBOX;
  const edges = [
    [(p) => p[0] >= w, (a, b) => cross(a, b, 0, w)],
    [(p) => p[0] <= e, (a, b) => cross(a, b, 0, e)],
    [(p) => p[1] >= s, (a, b) => cross(a, b, 1, s)],
    [(p) => p[1] <= n, (a, b) => cross(a, b, 1, n)],
  ];
  let ring = points;
  for (const [inside, meet] of edges) {
    if (!ring.length) break;
    const next = [];
    for (let i = 0; i < ring.length; i++) {
      const cur = ring[i];
      const prev = ring[(i + ring.length - 1) % ring.length];
      if (inside(cur)) {
        if (!inside(prev)) next.push(meet(prev, cur));
        next.push(cur);
      } else if (inside(prev)) {
        next.push(meet(prev, cur));
      }
    }
    ring = next;
  }
  return ring;
}

function cross(a, b, axis, v) {
  const t = (v - a[axis]) / (b[axis] - a[axis]);
  const p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  p[axis] = v;
  return p;
}

// Rounded, without repeated points, closed.
function round(ring, decimals = DECIMALS) {
  const f = 10 ** decimals;
  const r = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * f) / f, Math.round(y * f) / f];
    const last = r[r.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
  }
  if (r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) r.pop();
  if (r.length < 3) return [];
  r.push(r[0]);
  return r;
}
