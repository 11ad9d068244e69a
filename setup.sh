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
)

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

job=${1:-video}
[ $# -gt 0 ] && shift
install_system_packages
install_python_packages
case "$job" in
  install) ;;
  video) .venv/bin/python render.py "$@" ;;
  test) .venv/bin/python -m pytest "$@" ;;
  *) echo "setup.sh: unknown job '$job' (use video, test or install)" >&2; exit 2 ;;
esac
