#!/usr/bin/env bash
# The alanine dipeptide study: tools/study.sh with examples/alanine-dipeptide/study.conf (see tools/study.sh --help).
#   tools/alanine-dipeptide-study.sh [--fresh] [--retrain] [--md-only]    output: out/alanine-dipeptide-study/REPORT.md
exec bash "$(dirname "${BASH_SOURCE[0]}")/study.sh" alanine-dipeptide "$@"
