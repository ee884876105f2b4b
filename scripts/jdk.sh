# Shared by ./spsec and bench/run: locate a JDK 25 (or newer) `java`.
# Order: $SPSEC_JAVA, $JAVA_HOME, $JAVA25_HOME, /usr/lib/jvm/*, java on PATH.

java_feature_version() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

find_jdk25() {
  local c v
  local candidates=()
  [ -n "${SPSEC_JAVA:-}" ] && candidates+=("$SPSEC_JAVA")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  [ -n "${JAVA25_HOME:-}" ] && candidates+=("$JAVA25_HOME/bin/java")
  for c in /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*/bin/java; do candidates+=("$c"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    v=$(java_feature_version "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# Builds the given Maven modules (and what they need) when their jar is missing or older than any source.
build_if_stale() {
  local root=$1 jar=$2 modules=$3
  if [ -f "$jar" ] && [ -z "$(find "$root" \( -path "$root/*/src/main/*" -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "spsec: Maven (mvn) is needed to build on first use; install it (Debian: apt-get install maven)" >&2
    return 1
  fi
  echo "spsec: building ($modules; first use or sources changed)..." >&2
  if ! (set -o pipefail; cd "$root" && mvn -B -q -DskipTests -pl "$modules" -am package 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2); then
    echo "spsec: the build failed; run 'mvn -pl $modules -am package' to see why" >&2
    return 1
  fi
}
