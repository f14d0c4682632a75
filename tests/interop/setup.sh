#!/usr/bin/env bash
# Creates the virtualenvs the interoperability tests use (.venv and .venv-cff at the repository
# root) from the pinned requirements. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
python3 -m venv .venv-cff
.venv-cff/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements-cff.txt
