# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Fixtures shared by the Python tests."""

import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")


@pytest.fixture(scope="session")
def vulkan():
    """Skips the test without a Vulkan device (fails instead when
    TANGRAM_REQUIRE_VULKAN=1, as CI sets it)."""
    assert os.access(RUNNER, os.X_OK), f"{RUNNER} is not built"
    out = subprocess.run([RUNNER, "--list-devices"], capture_output=True, text=True, timeout=120).stdout
    if not any(line.startswith("vulkan:0") for line in out.splitlines()):
        if os.environ.get("TANGRAM_REQUIRE_VULKAN") == "1":
            pytest.fail("no Vulkan device (scripts/setup.sh installs lavapipe: mesa-vulkan-drivers)")
        pytest.skip("no Vulkan device")
