#!/usr/bin/env bash
# Builds llama-swift natively for this CPU (release) and runs it with the given arguments;
# with none, it generates text from the stories260K fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh >/dev/null
# shellcheck disable=SC2046
swift build -c release --scratch-path .build-native-release $(Scripts/native-flags.sh) --product llama-swift >&2
exec .build-native-release/release/llama-swift "$@"
