#!/usr/bin/env bash
# services.sh: install (when missing) and start the services the test suites need, on loopback.
#
#   scripts/services.sh start DIR   installs redis-server, chromium and PostgreSQL when missing,
#                                   starts Redis and PostgreSQL with their data in DIR, and writes
#                                   DIR/env with the THAID_TEST_* variables to source.
#   scripts/services.sh stop DIR    stops what "start" started.
#
# PostgreSQL refuses to run as root, so its cluster belongs to the "postgres" user.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
	echo "usage: $0 start|stop DIR" >&2
	exit 2
fi

log() { echo "services: $*" >&2; }

as_root() {
	if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		log "need root for: $*"
		return 1
	fi
}

pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [[ -x "$d/pg_ctl" ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

find_chromium() {
	local c
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

free_port() {
	python3 - <<'EOF' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

install_missing() {
	local pkgs=()
	command -v redis-server >/dev/null || pkgs+=(redis-server)
	find_chromium >/dev/null || pkgs+=(chromium)
	pg_bin >/dev/null || pkgs+=(postgresql)
	if ((${#pkgs[@]})); then
		log "installing ${pkgs[*]}"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
	fi
}

start() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	install_missing

	# Redis: no persistence, loopback only.
	local rport
	rport=$(free_port)
	redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
	for _ in $(seq 50); do
		redis-cli -p "$rport" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	redis-cli -p "$rport" ping >/dev/null

	# PostgreSQL: a throwaway cluster owned by the postgres user.
	local bin pport pgdata
	bin=$(pg_bin)
	pport=$(free_port)
	pgdata="$dir/pgdata"
	mkdir -p "$pgdata"
	if [[ $(id -u) -eq 0 ]]; then
		chown -R postgres:postgres "$dir"
		chmod 755 "$dir"
		runuser -u postgres -- "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
		runuser -u postgres -- "$bin/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w \
			-o "-h 127.0.0.1 -p $pport -k $dir -c fsync=off -c max_connections=200" start >/dev/null
	else
		"$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
		"$bin/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w \
			-o "-h 127.0.0.1 -p $pport -k $dir -c fsync=off -c max_connections=200" start >/dev/null
	fi

	local chrome
	chrome=$(find_chromium)
	cat >"$dir/env" <<EOF
export THAID_TEST_REDIS_ADDR=127.0.0.1:$rport
export THAID_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$pport/postgres?sslmode=disable'
export THAID_TEST_CHROMIUM=$chrome
export THAID_TEST_REQUIRE_SERVICES=1
EOF
	log "redis on 127.0.0.1:$rport, postgresql on 127.0.0.1:$pport, chromium at $chrome"
}

stop() {
	if [[ -f "$dir/redis.pid" ]]; then
		kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
	fi
	if [[ -d "$dir/pgdata" ]]; then
		local bin
		bin=$(pg_bin)
		if [[ $(id -u) -eq 0 ]]; then
			runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pgdata" -m fast stop >/dev/null 2>&1 || true
		else
			"$bin/pg_ctl" -D "$dir/pgdata" -m fast stop >/dev/null 2>&1 || true
		fi
	fi
}

case "$cmd" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
