# Sourced by ./mvnw (POSIX sh). Conflux compiles for the Lambda java21 runtime, which needs a JDK >= 21.
# Picks, in order: JAVA_HOME, the java on PATH, then the JDKs under /usr/lib/jvm and /opt; exports JAVA_HOME.
conflux_java_major() {
  # prints the feature version of the JDK at $1 (a JDK home), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
conflux_pick_jdk() {
  set +f  # mvnw runs with globbing off; the JDK folders below need it
  for candidate in "${JAVA_HOME:-}" \
      "$(command -v javac >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" \
      /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] || continue
    major=$(conflux_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if conflux_jdk=$(conflux_pick_jdk); then
  JAVA_HOME=$conflux_jdk
  export JAVA_HOME
else
  echo "Conflux needs a JDK 21 or newer (it targets the AWS Lambda java21 runtime)." >&2
  echo "None found in JAVA_HOME (${JAVA_HOME:-unset}), on PATH, or under /usr/lib/jvm and /opt." >&2
  echo "Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21+ JDK) or set JAVA_HOME to it." >&2
  exit 1
fi
