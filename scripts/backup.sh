#!/usr/bin/env bash
# make backup: a timestamped pg_dump (custom format) plus a tarball of the evidence files.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
out_dir="${BACKUP_DIR:-backups}"
media="${MEDIA_ROOT:-var/media}"
mkdir -p "$out_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$out_dir/ledger-$stamp.dump"
pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$out_dir/ledger-$stamp.media.tar.gz" .
fi
echo "$dump"
