#!/usr/bin/env bash
# Compatibility matrix: packs the library with `npm pack`, installs the tarball
# into each consumer app under test/compat/ and runs the shared scenario there.
# Each app installs its own dependencies from its lock file, from the npm cache
# when it can, then the tarball. The files of scenario/ are copied into each
# app's test/ folder, so that they resolve packages from the app's node_modules.
# nest12-cjs-jest30 runs on the Node 24 its `node` devDependency installs: Jest
# loads the ESM-only Nest 12 from CommonJS only on Node 24.9 and later.
# nest12-esm-vitest pins vite to 8.3: vite 8.4 lists an optional dependency,
# napi-windows-process-start-time, that the registry does not serve, so its
# lock file would lack it and `npm ci` would refuse the lock as out of sync.
# Usage: test/compat/run.sh [app ...]
set -euo pipefail
compat=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$compat/../.." && pwd)
apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(nest11-cjs-express nest12-esm-express nest12-esm-fastify nest12-esm-vitest nest12-cjs-jest30)
npm_flags=(--prefer-offline --no-audit --no-fund --loglevel=error)

pack_dir="$compat/.pack"
rm -rf "$pack_dir" && mkdir -p "$pack_dir"
(cd "$root" && npm pack --pack-destination "$pack_dir" >"$pack_dir/pack.log" 2>&1) || { cat "$pack_dir/pack.log"; exit 1; }
tarball=$(ls "$pack_dir"/*.tgz)
echo "packed $(basename "$tarball")"

failed=()
for app in "${apps[@]}"; do
  echo "=== $app: $(node -p "require('$compat/$app/package.json').description")"
  start=$SECONDS
  cp "$compat"/scenario/* "$compat/$app/test/"
  if (
    cd "$compat/$app" &&
      npm ci "${npm_flags[@]}" &&
      npm install --no-save "${npm_flags[@]}" "$tarball" &&
      npm test
  ); then
    echo "=== $app: passed in $((SECONDS - start))s"
  else
    echo "=== $app: FAILED after $((SECONDS - start))s"
    failed+=("$app")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "compat: failed: ${failed[*]}"
  exit 1
fi
echo "compat: ${#apps[@]} apps passed in ${SECONDS}s"
