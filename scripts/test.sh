#!/usr/bin/env bash
# test.sh: the one command that checks and tests every module of thaid-go.
#
# It installs (apt-get) and starts on loopback what the suites need: Redis (a single server and a
# 3-node Redis Cluster), PostgreSQL and Chromium; it installs Caddy and nginx, which the example
# app's tests behind a reverse proxy run themselves. Then, for every Go module in the repository: gofmt, go vet, staticcheck (pinned),
# go test -race, each fuzz target briefly, and every benchmark once (-benchtime=1x).
#
# Environment:
#   FUZZTIME   how much each fuzz target runs (default 30000x: 30,000 inputs, a few seconds each).
#              A count, not a duration: with a duration, go1.26's fuzz coordinator can report a
#              spurious "context deadline exceeded" at the deadline on a busy machine
#              (golang/go#75804, fixed in go1.27); a count has no deadline to race.
#   SKIP_LINT  set to 1 to skip gofmt/vet/staticcheck (local iteration only; CI never sets it)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

STATICCHECK_VERSION=2026.2.2      # honnef.co/go/tools v0.8.2
STATICCHECK_MODULE=honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME=${FUZZTIME:-30000x}

start=$SECONDS
# elapsed prints the time since the start (1m05s); step prints a step's name with it, and every
# module and fuzz target is logged with it too, so that a slow step shows in CI's log.
elapsed() { printf '%dm%02ds' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }
step() { printf '\n==> %s  [%s]\n' "$*" "$(elapsed)"; }

mapfile -t modules < <(find . -name go.mod -not -path '*/testdata/*' -not -path './.git/*' -printf '%h\n' | sort)
echo "modules: ${modules[*]}"

if [[ "${SKIP_LINT:-}" != 1 ]]; then
	step "gofmt"
	unformatted=$(gofmt -l . | grep -v '/testdata/' || true)
	if [[ -n "$unformatted" ]]; then
		echo "gofmt needed on:" >&2
		echo "$unformatted" >&2
		exit 1
	fi

	step "go vet"
	for m in "${modules[@]}"; do
		echo "--- module $m  [$(elapsed)]"
		(cd "$m" && go vet ./...)
	done

	step "staticcheck $STATICCHECK_VERSION"
	for m in "${modules[@]}"; do
		echo "--- module $m  [$(elapsed)]"
		(cd "$m" && go run "$STATICCHECK_MODULE" ./...)
	done
fi

step "services (Redis, Redis Cluster, PostgreSQL, Chromium, Caddy, nginx)"
svcdir=$(mktemp -d /tmp/thaid-go-services.XXXXXX)
cleanup() { "$root/scripts/services.sh" stop "$svcdir" || true; }
trap cleanup EXIT
"$root/scripts/services.sh" start "$svcdir"
# shellcheck disable=SC1091
source "$svcdir/env"

step "go test -race"
for m in "${modules[@]}"; do
	echo "--- module $m  [$(elapsed)]"
	(cd "$m" && go test -race -count=1 -timeout 20m ./...)
done

step "fuzz targets, $FUZZTIME each"
for m in "${modules[@]}"; do
	while read -r pkg dir; do
		[[ -z "$pkg" ]] && continue
		mapfile -t targets < <(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u)
		for f in "${targets[@]}"; do
			echo "--- $pkg $f  [$(elapsed)]"
			(cd "$m" && go test -run '^$' -fuzz "^${f}\$" -fuzztime "$FUZZTIME" "$pkg")
		done
	done < <(cd "$m" && go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' ./...)
done

step "benchmarks, once each (-benchtime=1x)"
for m in "${modules[@]}"; do
	echo "--- module $m  [$(elapsed)]"
	(cd "$m" && go test -run '^$' -bench . -benchtime=1x ./...)
done

step "all checks passed"
