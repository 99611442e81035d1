# Sourced by the set-up scripts: installs the Debian packages of its arguments that are missing
# (nothing when all are there, so a second run is quick and needs no network).
apt_install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing: ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# apt_enable_components COMPONENT... : makes Debian's other components (contrib, non-free) of
# this machine's release installable, from the mirror its main component already comes from
# (one-line and deb822 sources alike). Nothing when the release has them already.
apt_enable_components() {
  local release; release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$release" ] || { log "no VERSION_CODENAME in /etc/os-release: cannot add $*"; return 1; }
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  # One line per source: URI, suite, components, keyring ("-" when none is named).
  local sources; sources=$(awk '
    function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(suites, s, " "); for (i = 1; i <= n; i++) print uri "\t" s[i] "\t" comps "\t" key }
                       types = uri = suites = comps = ""; key = "-"; enabled = "" }
    FNR == 1 { flush() }
    /^[[:space:]]*#/ { next }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[[:space:]]*$/) { flush(); next }
      field = tolower($1); sub(/:$/, "", field); value = $0; sub(/^[^:]*:[[:space:]]*/, "", value)
      if (field == "types") types = value; else if (field == "uris") { split(value, u, " "); uri = u[1] }
      else if (field == "suites") suites = value; else if (field == "components") comps = value
      else if (field == "signed-by") key = value; else if (field == "enabled") enabled = value
      next
    }
    $1 == "deb" { i = 2; opts = ""; if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
                  k = "-"; if (match(opts, /signed-by=[^] ]+/)) k = substr(opts, RSTART + 10, RLENGTH - 10)
                  c = ""; for (j = i + 2; j <= NF; j++) c = c " " $j
                  print $i "\t" $(i + 1) "\t" substr(c, 2) "\t" k }
    END { flush() }' "${files[@]}")
  local wanted=() c
  for c in "$@"; do
    awk -F'\t' -v r="$release" -v c="$c" '$2 == r && (" " $3 " ") ~ (" " c " ") { found = 1 } END { exit !found }' <<<"$sources" || wanted+=("$c")
  done
  ((${#wanted[@]})) || return 0
  local mirror; mirror=$(awk -F'\t' -v r="$release" '$2 == r && (" " $3 " ") ~ / main / { print; exit }' <<<"$sources")
  [ -n "$mirror" ] || { log "no source of $release's main component in /etc/apt: cannot add ${wanted[*]}"; return 1; }
  local uri key; uri=$(cut -f1 <<<"$mirror"); key=$(cut -f4 <<<"$mirror")
  local joined="${wanted[*]}"
  local list="/etc/apt/sources.list.d/sayscape-$release-${joined// /-}.sources"
  log "adding $release's ${wanted[*]} from $uri ($list)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  { printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n' "$uri" "$release" "${wanted[*]}"
    [ "$key" = - ] || printf 'Signed-By: %s\n' "$key"; } | $sudo tee "$list" >/dev/null
  $sudo apt-get update -qq
}

# npm_install_pinned NAME VERSION : the npm package at that exact version under
# $SAYSCAPE_HOME/node (nothing when it is there already).
npm_install_pinned() {
  local name="$1" version="$2" dir="$SAYSCAPE_HOME/node"
  if [ "$(node -p "require('$dir/node_modules/$name/package.json').version" 2>/dev/null)" = "$version" ]; then
    log "$name $version: present"; return 0
  fi
  log "$name $version: installing from npm into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "$name@$version" >/dev/null
}
