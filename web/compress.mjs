// After `vite build`: writes a gzip copy (`name.gz`) beside every text file in dist/ over 1 kB,
// which yiwang serves to browsers that accept gzip (crates/yiwang-server/src/console.rs).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let before = 0;
let after = 0;
for (const path of files("dist")) {
  if (!/\.(js|mjs|css|html|svg|json)$/.test(path)) continue;
  const raw = readFileSync(path);
  if (raw.length < 1024) continue;
  const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${path}.gz`, gz);
  before += raw.length;
  after += gz.length;
}
console.log(`gzip copies: ${(before / 1024).toFixed(0)} kB → ${(after / 1024).toFixed(0)} kB`);
