# Shared by deploy/*.sh: find the project, install what is missing, say clearly what went wrong.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE="$ROOT/.state"
mkdir -p "$STATE"

say() { echo "==> $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

_apt_updated=""
# ensure_packages pkg…: installs the Debian packages that are missing (as root), or says how to.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    die "missing packages: ${missing[*]}. Install them with: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  if [ -z "$_apt_updated" ]; then
    apt-get update -qq >/dev/null || die "apt-get update failed"
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$STATE/apt.log" 2>&1 \
    || { tail -20 "$STATE/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $STATE/apt.log)"; }
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET SDK is missing: install .NET 10 (https://dot.net) and retry"
  dotnet --list-sdks | grep -q '^10\.' || die "the .NET 10 SDK is missing (found: $(dotnet --list-sdks | tr '\n' ' '))"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || ensure_packages nodejs npm
}

# ensure_node_at_least <major> <minor>: the installed Node.js is recent enough, or a clear message.
ensure_node_at_least() {
  local have
  have=$(node -p 'process.versions.node') || die "node does not run"
  node -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>$1||(a==$1&&b>=$2)?0:1)" \
    || die "Node.js $have is too old: $1.$2 or later is needed (oidc-provider 9 uses crypto.hash)"
}

# free_port: a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_hospital_reader <cluster> <password>: the demo hospital's login for the portal's connector: SELECT only, so the
# portal can read the patients and change nothing.
pg_hospital_reader() {
  "$ROOT/deploy/pg.sh" psql "$1" -d hospital -q >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hospital_reader') THEN CREATE ROLE hospital_reader LOGIN; END IF;
END \$\$;
ALTER ROLE hospital_reader PASSWORD '$2';
GRANT CONNECT ON DATABASE hospital TO hospital_reader;
GRANT USAGE ON SCHEMA public TO hospital_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hospital_reader;
SQL
}

# pg_ensure_database <cluster> <db>: creates the database if it is missing.
pg_ensure_database() {
  local exists
  exists=$("$ROOT/deploy/pg.sh" psql "$1" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$2'")
  [ "$exists" = 1 ] || "$ROOT/deploy/pg.sh" psql "$1" -d postgres -qc "CREATE DATABASE \"$2\"" >/dev/null
}
