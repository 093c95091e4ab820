#!/usr/bin/env bash
# make restore FILE=backups/ledger-<stamp>.dump: restore into DATABASE_URL (which must be
# empty or disposable) and unpack the evidence files saved beside the dump.
set -euo pipefail
file="${1:?usage: restore.sh FILE.dump}"
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
media="${MEDIA_ROOT:-var/media}"
pg_restore --no-owner --clean --if-exists --exit-on-error --dbname="$DATABASE_URL" "$file"
media_tar="${file%.dump}.media.tar.gz"
if [ -f "$media_tar" ]; then
  mkdir -p "$media"
  tar -C "$media" -xzf "$media_tar"
fi
echo "restored $file"
