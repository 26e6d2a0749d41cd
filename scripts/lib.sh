# Shared by scripts/run, scripts/test and scripts/bench: build and private-Redis helpers.
# Sourced, not executed.

lg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lg_jobs=${LG_JOBS:-$(nproc)}
# ccache with precompiled headers (cmake/pch.cmake) caches only with these.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}

# lg_build <build dir> <build type> [extra cmake args...]: configure once, then build.
lg_build() {
  local dir=$1 type=$2; shift 2
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S "$lg_root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  fi
  ninja -C "$dir" -j "$lg_jobs" ${LG_TARGETS:-}
}

# lg_free_port: prints a TCP port on 127.0.0.1 that nothing listens on now, below the kernel's
# ephemeral range, so no client connection (a load generator's, say) can hold it when we bind.
lg_free_port() {
  local port
  for _ in $(seq 1 200); do
    local low=${lg_ephemeral_low:-$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)}
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  echo "leadgate: no free port found" >&2; return 1
}

# lg_redis_start <dir> <port>: a private Redis with AOF on, listening on 127.0.0.1:<port>
# and on <dir>/redis.sock. Sets lg_redis_pid. Waits (bounded) until it answers PING.
# LG_REDIS_APPENDFSYNC (everysec by default, or always) chooses when the AOF is synced.
lg_redis_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --unixsocket "$dir/redis.sock" --unixsocketperm 700 \
    --dir "$dir" --appendonly yes --appendfsync "${LG_REDIS_APPENDFSYNC:-everysec}" --save '' \
    --daemonize no --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" &
  lg_redis_pid=$!
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$lg_redis_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "leadgate: Redis did not start on port $port; see $dir/redis.log" >&2
  tail -5 "$dir/redis.log" >&2 || true
  return 1
}

# lg_redis_stop: stops the Redis lg_redis_start started (bounded wait).
lg_redis_stop() {
  [[ -n "${lg_redis_pid:-}" ]] || return 0
  kill "$lg_redis_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$lg_redis_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$lg_redis_pid" 2>/dev/null || true
  lg_redis_pid=
}
