#!/usr/bin/env bash
# `make run-prod`: the production profile on one machine, as a rehearsal of the real deployment.
# Installs and starts Debian's PostgreSQL and Redis on loopback (and nginx), makes the databases,
# writes build/prod/ from deploy/profile.py, migrates, and runs every process under honcho.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-debian-package.sh postgresql '/usr/lib/postgresql/*/bin/initdb' "the production profile"
scripts/ensure-debian-package.sh redis-server /usr/bin/redis-server "the production profile"
scripts/ensure-debian-package.sh nginx /usr/sbin/nginx "the production profile"

# Secrets come from the environment or, on a rehearsal machine, are made once and kept in data/prod/
# (readable only by their owner). None is exported: each process gets only its own when it starts
# (deploy/launch.py reads them from SECRETS_DIR), and none goes on a command line.
export SECRETS_DIR="$PWD/data/prod"
mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
keep() {  # keep NAME: the variable if set, else a random value made once
    local file="$SECRETS_DIR/$1"
    if [ -n "${!1:-}" ]; then (umask 077; printf '%s' "${!1}" > "$file"); fi
    [ -s "$file" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$file")
    unset "$1"
}
for name in PROD_DB_PASSWORD PROD_DB_SERVICES_PASSWORD PROD_DB_JOBS_PASSWORD WEB_SECRET_KEY STAFF_SECRET_KEY \
    ACTION_SERVER_SECRET WEB_CHANNEL_SECRET TELEGRAM_CHANNEL_SECRET SUBMISSION_KEY_SECRET; do
    keep "$name"
done
for name in TELEGRAM_BOT_TOKEN TELEGRAM_WEBHOOK_SECRET OPEN311_API_KEY; do  # the council's own, when given
    if [ -n "${!name:-}" ]; then (umask 077; printf '%s' "${!name}" > "$SECRETS_DIR/$name"); fi
done
from_kept() { cat "$SECRETS_DIR/$1"; }

service postgresql start >/dev/null
service redis-server start >/dev/null
# The roles and databases, made once. The owner (migrations and Rasa), the services (the web and
# action servers, the Telegram bridge: they can't alter the audit log) and the scheduler (which may
# also take words out of conversations). psql reads the passwords from its environment (\getenv).
PW="$(from_kept PROD_DB_PASSWORD)" SERVICES_PW="$(from_kept PROD_DB_SERVICES_PASSWORD)" \
JOBS_PW="$(from_kept PROD_DB_JOBS_PASSWORD)" \
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
\getenv pw PW
\getenv services_pw SERVICES_PW
\getenv jobs_pw JOBS_PW
SELECT 'CREATE ROLE community_safety LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'community_safety')\gexec
ALTER ROLE community_safety PASSWORD :'pw';
SELECT 'CREATE ROLE community_safety_services LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'community_safety_services')\gexec
ALTER ROLE community_safety_services PASSWORD :'services_pw';
SELECT 'CREATE ROLE community_safety_jobs LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'community_safety_jobs')\gexec
ALTER ROLE community_safety_jobs PASSWORD :'jobs_pw';
SELECT 'CREATE DATABASE community_safety OWNER community_safety' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'community_safety')\gexec
SELECT 'CREATE DATABASE rasa_tracker OWNER community_safety' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'rasa_tracker')\gexec
SQL

# Database addresses without passwords: each process has its role's password as PGPASSWORD.
db="127.0.0.1:5432"
DATABASE_URL="postgresql+psycopg2://community_safety@$db/community_safety" \
TRACKER_DATABASE_URL="postgresql+psycopg2://community_safety@$db/rasa_tracker" \
PGPASSWORD="$(from_kept PROD_DB_PASSWORD)" \
    .venv/bin/python -m community_safety.records.database --services-role community_safety_services \
    --jobs-role community_safety_jobs
export DATABASE_URL="postgresql+psycopg2://community_safety_services@$db/community_safety"
export TRACKER_DATABASE_URL="postgresql+psycopg2://community_safety_services@$db/rasa_tracker"
export JOBS_DATABASE_URL="postgresql+psycopg2://community_safety_jobs@$db/community_safety"
export JOBS_TRACKER_DATABASE_URL="postgresql+psycopg2://community_safety_jobs@$db/rasa_tracker"
.venv/bin/python -m deploy.profile
echo "Production profile: http://127.0.0.1:8000/ (widget) and /staff/ through nginx; ${PROD_REPLICAS:-2} replicas each"
echo "of Rasa, the action server and the web server, and the scheduler. Ctrl-C stops them (PostgreSQL and Redis keep running)."
set -a; . build/prod/profile.env; set +a
exec .venv/bin/honcho start -f build/prod/Procfile -d "$PWD"
