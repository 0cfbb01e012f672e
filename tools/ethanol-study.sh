#!/usr/bin/env bash
# The ethanol study: tools/study.sh with examples/ethanol/study.conf (see tools/study.sh --help).
#   tools/ethanol-study.sh [--fresh] [--retrain]    output: out/ethanol-study/REPORT.md
exec bash "$(dirname "${BASH_SOURCE[0]}")/study.sh" ethanol "$@"
