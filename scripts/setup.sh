#!/usr/bin/env bash
# Installs the console's build and test toolchain. Idempotent: every step checks first, so a
# second run finishes in a few seconds. Needs Rust (rustup) and Node.js; run as root or with sudo.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
# Formats the console's view! macros; the test command checks it like `cargo fmt`.
LEPTOSFMT_VERSION=0.1.33
# Must equal the `wasm-bindgen = "=…"` pin in Cargo.toml: the CLI refuses other versions' output.
WASM_BINDGEN_VERSION=0.2.130
# Debian's binaryen is deliberately absent: its old wasm-opt breaks hydration; npm provides v132.
APT_PACKAGES=(chromium fonts-liberation build-essential pkg-config libssl-dev postgresql)

step() { printf '==> %s\n' "$*"; }

for tool in rustup cargo node npm; do
    command -v "$tool" >/dev/null || { echo "setup: '$tool' not found on PATH" >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "setup: Node.js >= 18 required, found $(node --version)" >&2
    exit 1
fi

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "rust target wasm32-unknown-unknown: present"
else
    step "rust target wasm32-unknown-unknown: installing"
    rustup target add wasm32-unknown-unknown
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    step "apt packages: present"
else
    step "apt packages: installing ${missing[*]}"
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if cargo leptos --version 2>/dev/null | grep -qF "$CARGO_LEPTOS_VERSION"; then
    step "cargo-leptos $CARGO_LEPTOS_VERSION: present"
else
    step "cargo-leptos $CARGO_LEPTOS_VERSION: installing (about 12 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --force
fi

if wasm-bindgen --version 2>/dev/null | grep -qF "$WASM_BINDGEN_VERSION"; then
    step "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
    step "wasm-bindgen-cli $WASM_BINDGEN_VERSION: installing"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if leptosfmt --version 2>/dev/null | grep -qF "$LEPTOSFMT_VERSION"; then
    step "leptosfmt $LEPTOSFMT_VERSION: present"
else
    step "leptosfmt $LEPTOSFMT_VERSION: installing"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked --force
fi

# Python tools for the tests, in a virtual environment of their own (outside the checkout):
# moto's S3-compatible server (scripts/s3.sh) and schemathesis (scripts/fuzz-api.sh). Pinned,
# so a second run only compares versions.
PYTHON_ENV=${CHATDECK_PYTHON_ENV:-$HOME/.local/share/chatdeck/python}
PYTHON_PACKAGES=("moto[server]==5.2.6" "schemathesis==4.32.5")
installed=$("$PYTHON_ENV/bin/python" -m pip freeze 2>/dev/null || true)
if grep -qx "moto==5.2.6" <<<"$installed" && grep -qx "schemathesis==4.32.5" <<<"$installed"; then
    step "python tools (moto, schemathesis): present"
else
    step "python tools (moto, schemathesis): installing in $PYTHON_ENV"
    python3 -m venv "$PYTHON_ENV"
    "$PYTHON_ENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PYTHON_PACKAGES[@]}"
fi

# npm's own record of what it installed: older than the lock file means the lock moved on.
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && [ ! package.json -nt "$stamp" ]; then
    step "node_modules: up to date"
else
    step "node_modules: npm ci"
    # The lock lists every platform's optional packages (tailwind's oxide, binaryen), so
    # `npm ci` installs exactly it and never rewrites it.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
fi

step "toolchain ready: $(cargo leptos --version), $(wasm-bindgen --version)," \
    "$(node_modules/.bin/wasm-opt --version | cut -d' ' -f1-3), $(/usr/bin/chromium --version 2>/dev/null)"
