#!/bin/bash
# The official Flink image's entry point arguments on a Flink made of Maven Central's jars:
#   jobmanager                            a session cluster's JobManager
#   taskmanager                           a TaskManager
#   standalone-job --job-classname C ...  application mode: this JobManager runs the job in usrlib/
#   anything else                         run as a command
# FLINK_PROPERTIES ("key: value" lines) is merged into conf/config.yaml; ENABLE_BUILT_IN_PLUGINS (jar names in
# opt/, separated by ";") are linked into plugins/. Memory settings are turned into JVM flags by Flink's own
# BashJavaUtils, as Flink's start scripts do.
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-/opt/flink}
cd "$FLINK_HOME"

merge_properties() {
  local config=conf/config.yaml line key
  cp conf/config.defaults.yaml "$config"
  if [ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]; then
    FLINK_PROPERTIES="jobmanager.rpc.address: ${JOB_MANAGER_RPC_ADDRESS}"$'\n'"${FLINK_PROPERTIES:-}"
  fi
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    key=${line%%:*}
    key=${key//[[:space:]]/}
    awk -v key="$key" '{ k = $0; sub(/:.*/, "", k); gsub(/[[:space:]]/, "", k); if (k != key) print }' \
      "$config" > "$config.new"
    mv "$config.new" "$config"
    printf '%s\n' "$line" >> "$config"
  done <<< "${FLINK_PROPERTIES:-}"
}

link_plugins() {
  local jar
  IFS=';' read -r -a jars <<< "${ENABLE_BUILT_IN_PLUGINS:-}"
  for jar in "${jars[@]}"; do
    [ -z "$jar" ] && continue
    if [ ! -f "opt/$jar" ]; then
      echo "ENABLE_BUILT_IN_PLUGINS names $jar, which is not in $FLINK_HOME/opt: $(ls opt | tr '\n' ' ')" >&2
      exit 2
    fi
    mkdir -p "plugins/${jar%.jar}"
    ln -fs "$FLINK_HOME/opt/$jar" "plugins/${jar%.jar}/$jar"
  done
}

# What Flink's scripts give every process on Java 17 (env.java.default-opts.all of Flink's own configuration).
JAVA17_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

run_flink() {
  local main=$1 resources=$2 result jvm dynamic
  shift 2
  result=$(java -cp "lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" --configDir conf 2>&1) || {
    echo "Flink could not work out this process's memory from conf/config.yaml:" >&2
    echo "$result" >&2
    exit 1
  }
  jvm=$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$result" | sed -n 1p)
  dynamic=$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$result" | sed -n 2p)
  # shellcheck disable=SC2086 # the flags are lists of words
  exec java $jvm $JAVA17_OPENS ${FLINK_ENV_JAVA_OPTS:-} -Dlog4j.configurationFile=conf/log4j-console.properties \
    -cp "lib/*" "$main" --configDir conf $dynamic "$@"
}

case "${1:-}" in
  jobmanager)
    merge_properties; link_plugins
    run_flink org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS ;;
  taskmanager)
    merge_properties; link_plugins
    run_flink org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS ;;
  standalone-job)
    shift
    merge_properties; link_plugins
    run_flink io.shardline.flinkimage.StandaloneJobEntrypoint GET_JM_RESOURCE_PARAMS "$@" ;;
  help|--help|-h|'')
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  *)
    exec "$@" ;;
esac
