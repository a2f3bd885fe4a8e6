"""Let ``ansible-test`` bootstrap pip in its test venvs without reaching the internet.

ansible-test creates an empty virtual environment per sanity test and fills it with pip by running a
``get-pip-<version>.py`` script that it downloads from an Ansible CI host the first time, caching it
as ``~/.ansible/test/cache/get_pip_<version with underscores>.py``.  That host is unreachable on our
machines, so this writes the cached file itself: a small script that bootstraps pip with the
interpreter's own ``ensurepip`` and then upgrades to the pip version ansible-test asked for, from the
package index the machine is configured for.

Run it with the Python of the venv that holds ansible-test (the pip versions differ per ansible-core
release):  ``.venv/bin/python .ci/scripts/ansible_test_offline_pip.py``
"""

from __future__ import annotations

import os
import sys
import types

MARKER = "# aemtools.brand_portal offline get-pip replacement"

BOOTSTRAP = MARKER + '''
# Written by .ci/scripts/ansible_test_offline_pip.py; ansible-test runs it with GET_PIP set, as
#   python quiet_pip.py [--disable-pip-version-check] pip==X.Y [--no-setuptools] [--no-wheel]
import os
import subprocess
import sys

# ensurepip sets PIP_CONFIG_FILE=/dev/null in this process's environment, which would hide the
# machine's pip configuration (its CA bundle, its index URLs) from the pip run below: keep a copy.
ENV = dict(os.environ)

import ensurepip  # noqa: E402  (imported after the copy on purpose)

ensurepip.bootstrap(upgrade=True)

ARGS = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade"] + ARGS, env=ENV))
'''


def pip_versions() -> set[str]:
    from ansible_test._internal import python_requirements
    from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS

    versions = set()
    for python_version in SUPPORTED_PYTHON_VERSIONS:
        packages = python_requirements.get_venv_packages(types.SimpleNamespace(version=python_version))
        versions.add(packages["pip"])
    return versions


def main() -> int:
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    for version in sorted(pip_versions()):
        path = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                if not handle.read().startswith(MARKER):
                    print("ansible-test pip bootstrap: keeping the real get-pip script %s" % path)
                    continue
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(BOOTSTRAP)
        print("ansible-test pip bootstrap: pip %s -> %s (offline, via ensurepip)" % (version, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
