#!/usr/bin/env bash
# services.sh: install (when missing) and start the services the test suites need, on loopback.
#
#   scripts/services.sh start DIR   installs redis-server, chromium, PostgreSQL, caddy, nginx and the
#                                   Thai fonts (fonts-thai-tlwg, for the browser test's screenshots)
#                                   when missing, starts a standalone Redis, a 3-node Redis Cluster (3
#                                   masters, no replicas) and PostgreSQL with their data in DIR, and
#                                   writes DIR/env with the THAID_TEST_* variables to source. Caddy
#                                   and nginx are not started here: the tests behind them run their
#                                   own.
#   scripts/services.sh stop DIR    stops what "start" started.
#
# DIR/env sets THAID_TEST_REDIS_ADDR (host:port), THAID_TEST_REDIS_CLUSTER (the cluster nodes'
# host:port, comma-separated), THAID_TEST_POSTGRES_URL, THAID_TEST_CHROMIUM, THAID_TEST_CADDY,
# THAID_TEST_NGINX and THAID_TEST_REQUIRE_SERVICES=1.
#
# A cluster node also listens on its cluster bus port, port+10000, so each node's port is chosen
# with that one free too.
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

# find_nginx prints nginx's path: Debian installs it in /usr/sbin, which is not on every user's PATH.
find_nginx() {
	if command -v nginx >/dev/null; then
		command -v nginx
	elif [[ -x /usr/sbin/nginx ]]; then
		echo /usr/sbin/nginx
	else
		return 1
	fi
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

# port_free P succeeds when port P on 127.0.0.1 can be bound (without python3: when nothing
# accepts connections on it).
port_free() {
	if command -v python3 >/dev/null; then
		python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
s.close()
EOF
		return
	fi
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# cluster_port prints a free port P whose cluster bus port P+10000 is free too (and so below
# 65536). Start each node before choosing the next node's port, so that no port repeats.
cluster_port() {
	local p
	for _ in $(seq 100); do
		p=$(free_port)
		if ((p + 10000 <= 65535)) && port_free "$p" && port_free $((p + 10000)); then
			echo "$p"
			return 0
		fi
	done
	log "found no free port P with P+10000 also free, for the Redis Cluster"
	return 1
}

# start_redis PORT NAME [ARG...] starts a Redis on 127.0.0.1:PORT without persistence, with its
# pid and log files DIR/NAME.pid and DIR/NAME.log and the extra ARGs, and waits until it answers.
start_redis() {
	local port=$1 name=$2
	shift 2
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/$name.pid" --logfile "$dir/$name.log" --dir "$dir" "$@"
	wait_redis "$port"
}

# wait_redis PORT waits (at most 5s) until the Redis on 127.0.0.1:PORT answers PING.
wait_redis() {
	for _ in $(seq 50); do
		redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	log "redis on 127.0.0.1:$1 does not answer PING"
	return 1
}

# wait_cluster_ok PORT waits (at most 10s) until the cluster node on 127.0.0.1:PORT reports
# cluster_state:ok, that is, it sees all 16384 slots served.
wait_cluster_ok() {
	for _ in $(seq 100); do
		[[ $(redis-cli -p "$1" cluster info 2>/dev/null) == *cluster_state:ok* ]] && return 0
		sleep 0.1
	done
	redis-cli -p "$1" cluster info >&2 || true
	log "redis cluster node 127.0.0.1:$1: cluster_state is not ok after 10s (logs: $dir/cluster*.log)"
	return 1
}

# stop_pidfiles FILE... stops the processes whose pids the FILEs hold, all at once (Redis takes
# about 2s to exit), and waits at most 5s for them to exit.
stop_pidfiles() {
	local f pid pids=()
	for f in "$@"; do
		[[ -f "$f" ]] || continue
		pid=$(cat "$f")
		[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && pids+=("$pid")
	done
	local alive
	for _ in $(seq 50); do
		alive=()
		for pid in "${pids[@]}"; do
			if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
		done
		((${#alive[@]})) || return 0
		sleep 0.1
	done
	log "still running 5s after SIGTERM: pids ${alive[*]}"
}

install_missing() {
	local pkgs=()
	command -v redis-server >/dev/null || pkgs+=(redis-server)
	# curl plays the browser in the README's login transcript (internal/doctest).
	command -v curl >/dev/null || pkgs+=(curl)
	find_chromium >/dev/null || pkgs+=(chromium)
	pg_bin >/dev/null || pkgs+=(postgresql)
	# Thai fonts, so that the browser test's screenshots show Thai text, not boxes.
	dpkg-query -W -f='${Status}' fonts-thai-tlwg 2>/dev/null | grep -q 'ok installed' || pkgs+=(fonts-thai-tlwg)
	local new_caddy= new_nginx=
	if ! command -v caddy >/dev/null; then
		pkgs+=(caddy)
		new_caddy=1
	fi
	if ! find_nginx >/dev/null; then
		pkgs+=(nginx)
		new_nginx=1
	fi
	if ((${#pkgs[@]})); then
		log "installing ${pkgs[*]}"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
	fi
	# Debian's package starts its own caddy.service (ports 80 and 2019) where systemd runs; the
	# test runs its own Caddy on loopback ports, so the one just installed is stopped and disabled.
	if [[ -n "$new_caddy" && -d /run/systemd/system ]]; then
		as_root systemctl disable --now caddy.service >/dev/null 2>&1 || true
	fi
	# The same for nginx (Debian's package starts nginx.service, or its init script, on port 80).
	if [[ -n "$new_nginx" ]]; then
		if [[ -d /run/systemd/system ]]; then
			as_root systemctl disable --now nginx.service >/dev/null 2>&1 || true
		elif [[ -x /etc/init.d/nginx ]]; then
			as_root /etc/init.d/nginx stop >/dev/null 2>&1 || true
		fi
	fi
}

start() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	install_missing

	# Redis: no persistence, loopback only.
	local rport
	rport=$(free_port)
	start_redis "$rport" redis

	# Redis Cluster: three masters, no replicas; no persistence, loopback only.
	local cports=() caddrs=() cport i
	for i in 1 2 3; do
		cport=$(cluster_port)
		start_redis "$cport" "cluster$i" --cluster-enabled yes --cluster-config-file "$dir/cluster$i-nodes.conf"
		cports+=("$cport")
		caddrs+=("127.0.0.1:$cport")
	done
	if ! redis-cli --cluster create "${caddrs[@]}" --cluster-replicas 0 --cluster-yes \
		>"$dir/cluster-create.log" 2>&1; then
		cat "$dir/cluster-create.log" >&2
		log "redis-cli --cluster create ${caddrs[*]} failed"
		return 1
	fi
	# Clients may ask any node for the slot map, so wait for every node, not just the first.
	for cport in "${cports[@]}"; do
		wait_cluster_ok "$cport"
	done
	local cluster
	cluster=$(
		IFS=,
		echo "${caddrs[*]}"
	)

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

	local chrome caddy nginx
	chrome=$(find_chromium)
	caddy=$(command -v caddy)
	nginx=$(find_nginx)
	cat >"$dir/env" <<EOF
export THAID_TEST_REDIS_ADDR=127.0.0.1:$rport
export THAID_TEST_REDIS_CLUSTER=$cluster
export THAID_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$pport/postgres?sslmode=disable'
export THAID_TEST_CHROMIUM=$chrome
export THAID_TEST_CADDY=$caddy
export THAID_TEST_NGINX=$nginx
export THAID_TEST_REQUIRE_SERVICES=1
EOF
	log "redis on 127.0.0.1:$rport, redis cluster on $cluster, postgresql on 127.0.0.1:$pport, chromium at $chrome, caddy at $caddy, nginx at $nginx"
}

stop() {
	stop_pidfiles "$dir/redis.pid" "$dir"/cluster[123].pid
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
