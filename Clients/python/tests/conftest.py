"""Shared paths for the tests: they run from the FedWatt source tree."""

import pathlib

#: The FedWatt repository root (Clients/python/tests/../../..).
REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
#: The committed fixtures.
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
