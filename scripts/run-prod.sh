#!/usr/bin/env bash
# `make run-prod`: the production profile on one machine, as a rehearsal of the real deployment.
# Installs and starts Debian's PostgreSQL and Redis on loopback (and nginx), makes the databases,
# writes build/prod/ from deploy/profile.py, migrates, and runs every process under honcho.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-debian-package.sh postgresql '/usr/lib/postgresql/*/bin/initdb' "the production profile"
scripts/ensure-debian-package.sh redis-server /usr/bin/redis-server "the production profile"
scripts/ensure-debian-package.sh nginx /usr/sbin/nginx "the production profile"

# Secrets come from the environment; on a rehearsal machine, made once and kept in data/prod/.
mkdir -p data/prod && chmod 700 data/prod
secret() {  # secret NAME: the variable if set, else a kept random value
    local file="data/prod/$1"
    if [ -n "${!1:-}" ]; then printf '%s' "${!1}"; return; fi
    [ -s "$file" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$file")
    cat "$file"
}
PROD_DB_PASSWORD="$(secret PROD_DB_PASSWORD)"
PROD_DB_SERVICES_PASSWORD="$(secret PROD_DB_SERVICES_PASSWORD)"
WEB_SECRET_KEY="$(secret WEB_SECRET_KEY)"
STAFF_SECRET_KEY="$(secret STAFF_SECRET_KEY)"
ACTION_SERVER_SECRET="$(secret ACTION_SERVER_SECRET)"
WEB_CHANNEL_SECRET="$(secret WEB_CHANNEL_SECRET)"
TELEGRAM_CHANNEL_SECRET="$(secret TELEGRAM_CHANNEL_SECRET)"
export PROD_DB_PASSWORD PROD_DB_SERVICES_PASSWORD WEB_SECRET_KEY STAFF_SECRET_KEY ACTION_SERVER_SECRET WEB_CHANNEL_SECRET TELEGRAM_CHANNEL_SECRET

service postgresql start >/dev/null
service redis-server start >/dev/null
# The roles and databases, made once; the passwords follow PROD_DB_PASSWORD (the owner: migrations
# and Rasa) and PROD_DB_SERVICES_PASSWORD (the web and action servers: they can't alter the audit log).
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v pw="$PROD_DB_PASSWORD" -v services_pw="$PROD_DB_SERVICES_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE community_safety LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'community_safety')\gexec
ALTER ROLE community_safety PASSWORD :'pw';
SELECT 'CREATE ROLE community_safety_services LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'community_safety_services')\gexec
ALTER ROLE community_safety_services PASSWORD :'services_pw';
SELECT 'CREATE DATABASE community_safety OWNER community_safety' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'community_safety')\gexec
SELECT 'CREATE DATABASE rasa_tracker OWNER community_safety' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'rasa_tracker')\gexec
SQL

owner="postgresql+psycopg2://community_safety:${PROD_DB_PASSWORD}@127.0.0.1:5432"
services="postgresql+psycopg2://community_safety_services:${PROD_DB_SERVICES_PASSWORD}@127.0.0.1:5432"
DATABASE_URL="$owner/community_safety" TRACKER_DATABASE_URL="$owner/rasa_tracker" \
    .venv/bin/python -m community_safety.records.database --services-role community_safety_services
export DATABASE_URL="$services/community_safety"
export TRACKER_DATABASE_URL="$services/rasa_tracker"
.venv/bin/python -m deploy.profile
echo "Production profile: http://127.0.0.1:8000/ (widget) and /staff/ through nginx; ${PROD_REPLICAS:-2} replicas each"
echo "of Rasa, the action server and the web server. Ctrl-C stops them (PostgreSQL and Redis keep running)."
set -a; . build/prod/profile.env; set +a
exec .venv/bin/honcho start -f build/prod/Procfile -d "$PWD"
