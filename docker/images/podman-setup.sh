#!/usr/bin/env bash
# Installs and configures podman where no Docker engine runs (as root, on Debian or Ubuntu): the runc runtime,
# netavark networking (containers find each other by name) and debootstrap for the base image. Settings go in
# a drop-in (/etc/containers/containers.conf.d/shardline.conf), not over the machine's own containers.conf:
#   default_ulimits = []   podman's default ulimits cannot be applied in some VMs and sandboxes
#   runtime = "runc"       crun fails on hybrid cgroup layouts; runc works on both
#   network_backend = "netavark"  the CNI backend resolves no container names without an extra plugin
# Exit 0 when podman is usable afterwards, 1 with the reason otherwise.
set -euo pipefail

if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
  echo "podman-setup.sh: needs root and apt-get; install podman, runc, netavark, aardvark-dns and debootstrap by hand" >&2
  exit 1
fi
packages=(podman runc netavark aardvark-dns debootstrap iptables)
if ! apt-get install -y --no-install-recommends "${packages[@]}" > /dev/null 2>&1; then
  apt-get update > /dev/null 2>&1
  apt-get install -y --no-install-recommends "${packages[@]}" > /dev/null 2>&1 \
    || { echo "podman-setup.sh: apt-get could not install ${packages[*]}" >&2; exit 1; }
fi
mkdir -p /etc/containers/containers.conf.d
cat > /etc/containers/containers.conf.d/shardline.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
CONF
podman info > /dev/null || { echo "podman-setup.sh: podman does not start here (podman info fails)" >&2; exit 1; }
if [ "$(podman info --format '{{.Host.NetworkBackend}}')" != netavark ]; then
  # A machine that used CNI before keeps its networks in CNI's format until reset.
  echo "podman-setup.sh: podman still uses another network backend; run 'podman system reset' once" >&2
  exit 1
fi
echo "podman-setup.sh: podman $(podman version --format '{{.Client.Version}}') ready (runc, netavark)"
