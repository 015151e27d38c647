#!/usr/bin/env bash
# Builds the real `pulumi` CLI from the published Go module github.com/pulumi/pulumi/pkg/v3
# into a cache outside the repository, and prints the binary's path (the only line on stdout).
#
#   tools/engine/build.sh            # build if needed, print the path of `pulumi`
#   tools/engine/build.sh --check    # exit 0 if the cached binary is current, 1 if a build is needed
#
# Cache: ${STACKLOK_ENGINE_HOME:-$HOME/.cache/stacklok-identity/engine}
#   bin/pulumi            the CLI
#   bin/pulumi.stamp      hash of everything the binary was built from
#   gomod/, gocache/      GOMODCACHE and GOCACHE, private to this build
#
# Idempotent: when bin/pulumi.stamp matches the inputs (the pinned module graph in
# tools/engine/pulumi-cli, the flags below, the Go version) and the binary answers
# `pulumi version`, nothing is downloaded or compiled.
#
# Why these choices, compared with a recipe that generated its wrapper modules at build time:
# - The module graph is committed (tools/engine/pulumi-cli/go.mod and go.sum, produced by
#   `go mod tidy`) and built with -mod=readonly: a cold machine downloads exactly the modules
#   that were built here, with checksums verified, and asks the module proxy nothing else.
#   `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.274.1` is not an option: pkg/v3's
#   go.mod has `replace` directives, which `go install pkg@version` rejects.
# - pkg/v3's own replaces (sdk/v3 => ../sdk, atotto/clipboard => a fork) do not apply to a
#   dependency; sdk/v3 is pinned to the same v3.274.1 by tidy, and the clipboard fork only
#   changes how the library is loaded on Windows.
# - No `pulumi-language-nodejs`: the Automation API runs an inline program's language runtime
#   inside the Node process and hands the CLI `--client=<address>` (see
#   @pulumi/pulumi/automation/stack.js), so the language host binary is not needed for that.
#   It would be needed for `pulumi up` run from a shell on a Node project, or for policy packs.
# - No `pulumi-resource-okta`: the module proxy reachable here refused the provider module
#   version tried (docs/engine.md lists each refused module@version), so the provider cannot be
#   built on this machine. The build of the CLI is kept for when it can.
# - GOMODCACHE and GOCACHE live under the engine cache, not the user's defaults, so deleting one
#   directory makes the next run cold and nothing else on the machine is touched.
# - The stamp covers the inputs, not just the binary's presence, so a version bump rebuilds.
# - Build flags as in pulumi's own release build: CGO off, -trimpath, tags osusergo/grpcnotrace,
#   and the version stamped with -X so `pulumi version` reports the module version.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module_dir="$here/pulumi-cli"
engine_home="${STACKLOK_ENGINE_HOME:-$HOME/.cache/stacklok-identity/engine}"
bin_dir="$engine_home/bin"
pulumi_bin="$bin_dir/pulumi"
stamp_file="$bin_dir/pulumi.stamp"

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "build.sh: unknown argument '$1' (accepted: --check)" >&2; exit 2 ;;
esac

command -v go >/dev/null || { echo "build.sh: 'go' is not on PATH; the CLI is built from Go modules" >&2; exit 1; }

export GOMODCACHE="$engine_home/gomod"
export GOCACHE="$engine_home/gocache"
# The graph's go.mod names go 1.26.x; never let the go command fetch another toolchain.
export GOTOOLCHAIN=local
export CGO_ENABLED=0
# `pulumi version` below is only a liveness check; it must not reach the network.
export PULUMI_SKIP_UPDATE_CHECK=true

# The one place that names the CLI version is the pinned module graph.
pulumi_version="$(awk '$1=="require" && $2=="github.com/pulumi/pulumi/pkg/v3" {print $3; exit}
  $1=="github.com/pulumi/pulumi/pkg/v3" {print $2; exit}' "$module_dir/go.mod")"
[ -n "$pulumi_version" ] || { echo "build.sh: no github.com/pulumi/pulumi/pkg/v3 requirement in $module_dir/go.mod" >&2; exit 1; }

build_tags="osusergo,grpcnotrace"
ldflags="-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"

stamp="$( {
  go env GOVERSION GOOS GOARCH
  echo "tags=$build_tags ldflags=$ldflags"
  cat "$module_dir/go.mod" "$module_dir/go.sum" "$module_dir/tools.go"
} | sha256sum | cut -d' ' -f1)"

is_current() {
  [ -x "$pulumi_bin" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
    && "$pulumi_bin" version >/dev/null 2>&1
}

if is_current; then
  [ "$mode" = check ] && exit 0
  echo "build.sh: pulumi $pulumi_version is current in $bin_dir" >&2
  echo "$pulumi_bin"
  exit 0
fi
[ "$mode" = check ] && exit 1

mkdir -p "$bin_dir" "$GOMODCACHE" "$GOCACHE"
echo "build.sh: building pulumi $pulumi_version into $bin_dir (cold: about 20 min on 2 busy cores)" >&2
tmp_bin="$(mktemp "$bin_dir/.pulumi.XXXXXX")"
trap 'rm -f "$tmp_bin"' EXIT
(
  cd "$module_dir"
  go build -mod=readonly -trimpath -tags "$build_tags" -ldflags "$ldflags" \
    -o "$tmp_bin" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
reported="$("$tmp_bin" version)"
[ "$reported" = "$pulumi_version" ] || {
  echo "build.sh: built binary reports '$reported', expected '$pulumi_version'" >&2
  exit 1
}
mv -f "$tmp_bin" "$pulumi_bin"
trap - EXIT
echo "$stamp" >"$stamp_file"
echo "build.sh: built pulumi $reported" >&2
echo "$pulumi_bin"
