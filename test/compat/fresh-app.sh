#!/usr/bin/env bash
# A newcomer's path, timed: in an empty temporary directory, `nest new` makes a
# Nest 12 app (ESM, Vitest, Express, as the generator makes it when no one is
# there to answer its prompts), the packed library is installed into it, and
# the README's Quick start and the signed e2e test of docs/testing.md are added
# as those pages say: their ```ts file=<path> blocks are copied as written
# (write-page-blocks.mjs), and the generated test/app.e2e-spec.ts is deleted,
# as docs/testing.md says. Then the app is built, linted, and its unit and e2e
# tests run. No webhook secret is set in the environment: the e2e test gives
# its own to createWebhookTestApp.
# Not part of CI: it downloads the CLI and the app's dependencies.
# Usage: test/compat/fresh-app.sh [library.tgz]   (packs the library when no tarball is given)
# Keeps the app when KEEP=1, and prints where it is.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
npm_flags=(--prefer-offline --no-audit --no-fund --loglevel=error)
timings=()

step() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@"
  timings+=("$(printf '%4ds  %s' $((SECONDS - start)) "$name")")
}

pack() {
  (cd "$root" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1) || { cat "$work/pack.log"; return 1; }
}

if [ $# -gt 0 ]; then
  tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  step 'npm pack (builds the library)' pack
  tarball=$(ls "$work"/*.tgz)
fi

cd "$work"
step 'npx @nestjs/cli@12 new (generates and installs)' \
  npx --yes @nestjs/cli@12 new fresh-app --package-manager npm --skip-git --no-observe
cd fresh-app
# Without a terminal to answer its prompt, `nest new` makes an ESM app tested with Vitest.
grep -q '"type": "module"' package.json && [ -f vitest.config.e2e.ts ] || { echo 'expected an ESM app with Vitest' >&2; exit 1; }
step 'npm install the library' npm install "${npm_flags[@]}" "$tarball"

follow_the_docs() {
  # README, Quick start: the app module (it replaces the generated one) and main.ts with rawBody: true.
  node "$root/test/compat/write-page-blocks.mjs" "$root/README.md" src/app.module.ts src/main.ts
  # docs/testing.md, A signed Stripe test: the test, and the generated e2e test deleted.
  node "$root/test/compat/write-page-blocks.mjs" "$root/docs/testing.md" test/webhooks.e2e-spec.ts
  rm test/app.e2e-spec.ts
}
step 'follow the README Quick start and docs/testing.md' follow_the_docs
# The e2e test gives its own secrets: none comes from the environment.
unset STRIPE_WEBHOOK_SECRET GITHUB_WEBHOOK_SECRET TROPHY_WEBHOOK_SECRET
step 'npm run build (nest build)' npm run build
step 'npm run lint (oxlint --type-aware)' npm run lint
step 'npm test (unit)' npm test
step 'npm run test:e2e' npm run test:e2e

echo "=== fresh app passed; steps:"
printf '%s\n' "${timings[@]}"
echo "total ${SECONDS}s"
[ "${KEEP:-}" = 1 ] && echo "app kept in $work/fresh-app"
exit 0
