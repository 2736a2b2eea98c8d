# shellcheck shell=bash
# Sourced by bin/lifeboat and bin/test: sets JAVA_HOME to a JDK >= 21.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm.

lifeboat_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 21), or nothing.
  local release="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release")
  fi
  if [ -z "${v:-}" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -1)
  fi
  [ "${v:-}" = "1" ] && v=8
  echo "${v:-}"
}

lifeboat_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(lifeboat_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] || continue
    [ -x "$candidate/bin/javac" ] || continue
    major=$(lifeboat_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "lifeboat: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*); install one or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

lifeboat_utf8_locale() {
  # Java encodes file names by the locale: without a UTF-8 one, non-ASCII names are lost.
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *UTF-8*|*utf-8*|*UTF8*|*utf8*) ;;
    *) export LC_ALL=C.UTF-8 ;;
  esac
}
