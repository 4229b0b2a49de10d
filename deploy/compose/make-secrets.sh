#!/bin/sh
# Writes the secret files docker-compose.yml mounts, each with a new random value, into GUICHET_SECRETS
# (default deploy/compose/secrets, ignored by git). A file that exists is kept: run it again after a
# pull to add new secrets without changing the others (a changed database password would no longer
# match the role PostgreSQL created on its first start).
#
#   deploy/compose/make-secrets.sh            # then: docker compose up --build
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
folder="${GUICHET_SECRETS:-$root/deploy/compose/secrets}"
# The folder is the lock (0700: only its owner enters it); the files inside are 0644 because Compose
# bind-mounts them with these very permissions, and the containers read them as their own users
# (10001 for the platform, postgres and rabbitmq for theirs), not as the host's owner.
mkdir -p "$folder"
chmod 700 "$folder"
umask 022

# 32 random bytes in URL-safe base64: usable inside a URL, a shell word and a config file as they are.
random_value() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# The names come from the compose file itself, so that a secret added there is made here too.
names="$(sed -n 's/^  \([a-z_]*\): {file: "${GUICHET_SECRETS.*/\1/p' "$root/docker-compose.yml")"
[ -n "$names" ] || { echo "no secret found in $root/docker-compose.yml" >&2; exit 1; }
made=0
for name in $names; do
  file="$folder/$name"
  [ -e "$file" ] && continue
  case "$name" in
    notifier_smtp_password) : > "$file" ;;   # empty: no SMTP login (mailpit); put the relay's password here
    # A Fernet key: the base64 of 32 bytes, padding kept (python -m services.notifier.cli generate-key).
    notifier_secret_key) head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n' > "$file" ;;
    *) random_value > "$file" ;;
  esac
  made=$((made + 1))
done
echo "$made secret file(s) written in $folder ($(echo $names | wc -w) in all)"
