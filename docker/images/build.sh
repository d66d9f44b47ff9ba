#!/usr/bin/env bash
# Builds the project's images without Docker Hub: a Java 17 base made from Debian's packages, stand-ins for
# flink:2.2.0-java17, apache/kafka:4.2.0 and MinIO made from Maven Central's jars, and the job and feeder images on
# top of them. Run from anywhere, after
#   ./mvnw -B -DskipTests package -pl job,feeder,docker/images/flink,docker/images/kafka,docker/images/s3 -am
# Images already built are reused: the base is made once (debootstrap, as root), the others are rebuilt from the
# engine's layer cache, so a second run takes seconds.
#
#   CONTAINER_ENGINE  podman (default) or docker
#   DEBIAN_MIRROR     where debootstrap fetches the base's packages (default: the first mirror apt uses here)
# Exit 2: the Maven build has not made the images' contents yet; 3: the base cannot be made here (not root).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
engine=${CONTAINER_ENGINE:-podman}

BASE_IMAGE=localhost/shardline-jre17:bookworm
FLINK_IMAGE=localhost/shardline-flink:2.2.0-java17
KAFKA_IMAGE=localhost/shardline-kafka:4.2.0
S3_IMAGE=localhost/shardline-s3:3.1.0
JOB_IMAGE=localhost/shardline-job:0.1.0
FEEDER_IMAGE=localhost/shardline-feeder:0.1.0

log() { printf '%s build.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

image_exists() { "$engine" image inspect "$1" > /dev/null 2>&1; }

default_mirror() {
  local uri
  uri=$(grep -h -o -E '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/* /etc/apt/sources.list 2>/dev/null \
    | grep -o -E 'https?://[^ ]+' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

build_base() {
  if image_exists "$BASE_IMAGE"; then
    log "$BASE_IMAGE exists, reused"
    return
  fi
  if ! command -v debootstrap > /dev/null || [ "$(id -u)" != 0 ]; then
    echo "build.sh: $BASE_IMAGE is missing and is made with debootstrap, as root (apt-get install debootstrap)" >&2
    exit 3
  fi
  local mirror=${DEBIAN_MIRROR:-$(default_mirror)}
  base_dir=$(mktemp -d)
  trap 'rm -rf "$base_dir"' EXIT
  local dir=$base_dir
  log "making $BASE_IMAGE with debootstrap from $mirror"
  # The Java runtime and the native image codecs' libraries (libjpeg-turbo, libspng, libdeflate).
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,libturbojpeg0,libspng0,libdeflate0 \
    bookworm "$dir/rootfs" "$mirror" > "$dir/debootstrap.log" 2>&1 || { tail -n 20 "$dir/debootstrap.log" >&2; exit 1; }
  rm -rf "$dir/rootfs/var/cache/apt/archives/"*.deb "$dir/rootfs/var/lib/apt/lists/"*
  tar -C "$dir/rootfs" -c . | "$engine" import --change 'CMD ["bash"]' - "$BASE_IMAGE" > /dev/null
}

require() {
  local path
  for path in "$@"; do
    if [ ! -e "$path" ]; then
      echo "build.sh: $path is missing; run ./mvnw -B -DskipTests package -pl job,feeder,docker/images/flink,docker/images/kafka,docker/images/s3 -am first" >&2
      exit 2
    fi
  done
}

build() {
  local tag=$1 dockerfile=$2
  shift 2
  log "building $tag"
  local format=()
  # podman's default OCI format drops HEALTHCHECK; the Docker format keeps it.
  [ "$engine" = podman ] && format=(--format docker)
  "$engine" build "${format[@]}" --quiet -f "$dockerfile" -t "$tag" "$@" . > /dev/null
}

require docker/images/flink/target/image/lib docker/images/flink/target/shardline-flink-entrypoint.jar \
  docker/images/kafka/target/image/libs docker/images/s3/target/image/libs job/target/shardline-job.jar feeder/target/lib
build_base
build "$FLINK_IMAGE" docker/images/flink/Dockerfile --build-arg JRE_IMAGE="$BASE_IMAGE"
build "$KAFKA_IMAGE" docker/images/kafka/Dockerfile --build-arg JRE_IMAGE="$BASE_IMAGE"
build "$S3_IMAGE" docker/images/s3/Dockerfile --build-arg JRE_IMAGE="$BASE_IMAGE"
build "$JOB_IMAGE" docker/job/Dockerfile --build-arg FLINK_IMAGE="$FLINK_IMAGE"
build "$FEEDER_IMAGE" docker/feeder/Dockerfile --build-arg JRE_IMAGE="$BASE_IMAGE"
log "done: $FLINK_IMAGE $KAFKA_IMAGE $S3_IMAGE $JOB_IMAGE $FEEDER_IMAGE"
