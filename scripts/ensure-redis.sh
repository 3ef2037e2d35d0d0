#!/usr/bin/env bash
# The tests talk to a real Redis on 127.0.0.1:6379. Starts one (installing redis-server with apt-get
# when it is missing and we are root) unless something already answers there.
set -euo pipefail

redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

redis_up && exit 0
if ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "Redis is not running on 127.0.0.1:6379 and redis-server is not installed (apt-get install redis-server)." >&2
    exit 1
  fi
fi
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp
for _ in $(seq 1 50); do redis_up && exit 0; sleep 0.2; done
echo "redis-server did not start on 127.0.0.1:6379" >&2
exit 1
