// The console's release bundle, gzipped (level 9): the initial bundle every page loads (wasm +
// js + the split loader), then what each lazy island adds (cargo-leptos's split manifest).
// Run after `cargo leptos build --release --split`; scripts/bench-console.sh calls it.

import fs from "node:fs";
import zlib from "node:zlib";

const dir = "target/site/pkg/";
const gz = (f) => zlib.gzipSync(fs.readFileSync(dir + f), { level: 9 }).length;
// kB = 1,000 bytes, as network transfer sizes (and the budget) are counted.
const kb = (n) => (n / 1000).toFixed(1) + " kB";
const loader = fs.readdirSync(dir).filter((f) => f.startsWith("__wasm_split") && f.endsWith(".js"));
const initial = ["chatdeck.wasm", "chatdeck.js", ...loader];
const initialGz = initial.reduce((sum, f) => sum + gz(f), 0);
console.log(`bundle (gzip): initial ${kb(initialGz)} (` + initial.map((f) => `${f} ${kb(gz(f))}`).join(", ") + `), css ${kb(gz("chatdeck.css"))}`);
let manifest = {};
try { manifest = JSON.parse(fs.readFileSync(dir + "__wasm_split_manifest.json", "utf8")); } catch {}
const all = new Set(initial);
for (const [route, chunks] of Object.entries(manifest)) {
const extra = chunks.reduce((sum, c) => sum + gz(c + ".wasm"), 0);
chunks.forEach((c) => all.add(c + ".wasm"));
console.log(`  + ${route.replace(/_\d+$/, "").replace(/^_+/, "")}: ${kb(extra)} more, ${kb(initialGz + extra)} in all`);
}
console.log(`  everything: ${kb([...all].reduce((sum, f) => sum + gz(f), 0))}`);

