#!/usr/bin/env bash
# Runs the built command line as users do: signs a webhook, diagnoses it as
# sent (verified) and with its body re-serialised (the cause is named), and
# checks that no output holds the secret.
set -euo pipefail
cd "$(dirname "$0")/.."
# The command as package.json declares it, wherever the build puts it.
cli=(node "$(node -p "require('./package.json').bin['nestjs-webhook-security']")")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export SMOKE_WEBHOOK_SECRET='smoke-secret-7f3a'
printf '{\n  "id": "evt_1",\n  "note": "caf\xc3\xa9"\n}' >"$dir/sent.json"
node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))))' "$dir/sent.json" >"$dir/parsed.json"

"${cli[@]}" sign fullup --secret-env SMOKE_WEBHOOK_SECRET --body-file "$dir/sent.json" >"$dir/curl.txt"
signature=$(sed -n "s/.*-H 'fullup-signature: \([0-9a-f]*\)'.*/\1/p" "$dir/curl.txt")
[ ${#signature} = 64 ] || { cat "$dir/curl.txt"; echo "sign printed no signature"; exit 1; }

"${cli[@]}" diagnose fullup --secret-env SMOKE_WEBHOOK_SECRET -H "fullup-signature: $signature" <"$dir/sent.json" >"$dir/verified.txt"
grep -q '^Verified by fullup' "$dir/verified.txt" || { cat "$dir/verified.txt"; exit 1; }

status=0
"${cli[@]}" diagnose fullup --secret-env SMOKE_WEBHOOK_SECRET -H "fullup-signature: $signature" --body-file "$dir/parsed.json" >"$dir/mismatch.txt" || status=$?
[ "$status" = 1 ] && grep -q '^Likeliest cause: reserialized_json' "$dir/mismatch.txt" || { cat "$dir/mismatch.txt"; echo "exit $status"; exit 1; }

if grep -q "$SMOKE_WEBHOOK_SECRET" "$dir"/*.txt; then echo "the secret was printed"; exit 1; fi
echo "cli: sign, diagnose verified, diagnose reserialized_json: ok"
