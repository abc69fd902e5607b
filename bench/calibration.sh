#!/usr/bin/env bash
# The long calibration harness: the same seeded tests as CI (tests/TrainingPipeline.Analysis.Tests/Calibration),
# on more simulated data sets per claim (default 1000) and with 199 null simulations per hinge test.
# Usage: bench/calibration.sh [data sets]     Prints each measured rate; takes ~10-20 min on 2 cores
# (400 data sets: 282 s of wall time on 2 shared cores at load ~30, 2026-12-06). Figures: docs/analysis.md, "Calibration".
set -euo pipefail
cd "$(dirname "$0")/.."
export TP_CALIBRATION_DATASETS="${1:-1000}"
dotnet test tests/TrainingPipeline.Analysis.Tests -c Release --filter "FullyQualifiedName~Calibration" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E '^\s+(Passed|Failed) |%'
