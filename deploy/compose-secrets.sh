#!/usr/bin/env bash
# Makes the secrets deploy/compose.yaml needs, once (an existing file is kept): deploy/.env with the database
# passwords and deploy/secrets/ with the portal's SAML signing and encryption keys and its pseudonym master secret.
# Both are git-ignored. In production put your own keys there (or point compose's secrets at your secret store).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT/deploy"

command -v openssl >/dev/null || ensure_packages openssl
umask 077
mkdir -p secrets
for use in signing encryption; do
  [ -f "secrets/sp-$use.key" ] || openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/CN=VO Data Portal SAML $use" -keyout "secrets/sp-$use.key" -out "secrets/sp-$use.crt" 2>/dev/null
done
[ -f secrets/pseudonym.key ] || head -c 32 /dev/urandom | base64 > secrets/pseudonym.key
[ -f secrets/order-signing.pem ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out secrets/order-signing.pem 2>/dev/null
# The hospital's own: its site agent's pseudonym secret (not the portal's).
[ -f secrets/site-pseudonym.key ] || head -c 32 /dev/urandom | base64 > secrets/site-pseudonym.key
# The portal runs as uid 1654 in its container and reads the files through a bind mount.
chmod 644 secrets/*   # the folder itself stays 700 (umask above): only you and the containers read them

random() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }
if [ ! -f .env ]; then
  {
    echo "PORTAL_DB_PASSWORD=$(random)"
    echo "HOSPITAL_READER_PASSWORD=$(random)"
    echo "HOSPITAL_DB_PASSWORD=$(random)"
    echo "# PORTAL_PUBLIC_URL=https://portal.example.org"
  } > .env
fi
# The agent's login to the hospital database, from the reader password in .env (also for an .env made before).
grep -q '^HOSPITAL_DB_PASSWORD=' .env || echo "HOSPITAL_DB_PASSWORD=$(random)" >> .env
reader=$(sed -n 's/^HOSPITAL_READER_PASSWORD=//p' .env)
[ -f secrets/hospital.conn ] || printf 'Host=hospital-db;Port=5432;Database=hospital;Username=hospital_reader;Password=%s;Application Name=site-agent\n' "$reader" > secrets/hospital.conn
chmod 644 secrets/*
say "secrets ready in deploy/.env and deploy/secrets/ (git-ignored)"
