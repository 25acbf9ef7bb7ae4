#!/usr/bin/env bash
# Installs the command-line tools the end-to-end tests need (Debian 12), idempotently:
#   skopeo, umoci, podman   — OCI clients driven by packages/server/test/e2e
#   docker.io, buildah,     — more clients of the e2e tests: docker (CLI and dockerd 20.10), buildah, and containerd
#   containerd                (ctr); the tests start private dockerd and containerd daemons themselves, as root
#   docker-registry         — the reference registry (distribution 2.8) the harness is validated against
#   wrk, jq                 — load generation and JSON handling for benchmarks and scripts
#   chromium                — the browser the portal's end-to-end tests drive (packages/portal/e2e)
#   fonts-wqy-zenhei        — Chinese glyphs, so that the portal's screenshots in Chinese are legible
#   slapd, ldap-utils       — the OpenLDAP server the LDAP tests start with a directory of their own
#                             (packages/server/test/helpers/slapd.ts), and ldapadd/ldapmodify to change it
# Podman only pulls and pushes in the tests (no containers are run) with `--storage-driver vfs` as root, which needs
# neither uidmap, fuse-overlayfs nor slirp4netns, so packages are installed without recommends. Likewise dockerd and
# containerd only pull, push and load images in the tests (vfs and native storage, no iptables, no bridge).
set -euo pipefail

# command -> Debian package
declare -A PACKAGES=(
  [skopeo]=skopeo
  [umoci]=umoci
  [podman]=podman
  [buildah]=buildah
  [containerd]=containerd
  [ctr]=containerd
  [docker-registry]=docker-registry
  [wrk]=wrk
  [jq]=jq
  [chromium]=chromium
  [ldapadd]=ldap-utils
  [ldapmodify]=ldap-utils
)

# file -> Debian package, for packages that install no command
# (and for Debian's docker CLI and daemon by path: another `docker` on PATH, e.g. in /usr/local/bin, is not Debian's
# docker.io, which the tests run)
declare -A FILES=(
  [/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc]=fonts-wqy-zenhei
  [/usr/bin/docker]=docker.io
  [/usr/sbin/dockerd]=docker.io
  [/usr/sbin/slapd]=slapd
)

missing=()
for cmd in "${!PACKAGES[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/bin/$cmd" ]; then
    missing+=("${PACKAGES[$cmd]}")
  fi
done

for file in "${!FILES[@]}"; do
  [ -e "$file" ] || missing+=("${FILES[$file]}")
done

POLICY=/etc/containers/policy.json
need_policy=0
[ -f "$POLICY" ] || need_policy=1

# One package may provide several of the commands and files above.
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_policy" -eq 0 ]; then
  file_packages=$(printf '%s\n' "${FILES[@]}" | sort -u | paste -sd ' ')
  echo "install-test-deps: all test tools present (${!PACKAGES[*]}, $file_packages); $POLICY exists."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  {
    echo "############################################################################"
    echo "install-test-deps: ERROR: not running as root and something is missing:"
    [ "${#missing[@]}" -gt 0 ] && echo "  missing Debian packages: ${missing[*]}"
    [ "$need_policy" -eq 1 ] && echo "  missing $POLICY (containers signature policy)"
    echo "Run as root:  sudo bash scripts/install-test-deps.sh"
    echo "or:           sudo apt-get install -y --no-install-recommends ${missing[*]:-golang-github-containers-common}"
    echo "############################################################################"
  } >&2
  exit 1
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$POLICY" ]; then
  # Debian's golang-github-containers-common normally ships this file; create it only when it is absent.
  echo "install-test-deps: creating $POLICY (default: insecureAcceptAnything)"
  mkdir -p "$(dirname "$POLICY")"
  cat >"$POLICY" <<'EOF'
{
  "default": [{ "type": "insecureAcceptAnything" }],
  "transports": { "docker-daemon": { "": [{ "type": "insecureAcceptAnything" }] } }
}
EOF
fi

still_missing=()
for cmd in "${!PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/bin/$cmd" ] || still_missing+=("$cmd")
done
for file in "${!FILES[@]}"; do
  [ -e "$file" ] || still_missing+=("$file")
done
if [ "${#still_missing[@]}" -gt 0 ]; then
  echo "install-test-deps: ERROR: still missing after install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-test-deps: done."
