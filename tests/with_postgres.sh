#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: initdb in a temporary folder (as the
# unprivileged postgres user when we are root, since initdb refuses root), start it on a free
# port, export BIDTOOL_TEST_DATABASE_URL, run the command, and always stop and remove the server.
set -euo pipefail

dir=$(mktemp -d /tmp/bidtool-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_owner[@]}" pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" initdb -D "$dir/data" -U bidtool --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
"${as_owner[@]}" createdb -h 127.0.0.1 -p "$port" -U bidtool bidtool_test

echo "PostgreSQL $(pg_ctl --version | awk '{print $3}') on 127.0.0.1:$port"
export BIDTOOL_TEST_DATABASE_URL="postgresql+psycopg://bidtool@127.0.0.1:$port/bidtool_test"
"$@"
