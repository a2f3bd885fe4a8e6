#!/usr/bin/env bash
# Build the collection's documentation site offline: antsibull-docs writes the RST of every module, role
# and the extra docs (docs/docsite/extra-docs.yml: the user guide) from the synced collection tree, then
# Sphinx builds HTML with warnings as errors.
#   docs.sh VENV_DIR DEST_DIR      (needs ANSIBLE_COLLECTIONS_PATH set to the synced tree's root)
# Nothing is fetched: the generated conf.py would download Python's and Ansible's Sphinx inventories; here
# intersphinx reads only a small local one (docs_inventory.py: the ansible-core labels that the generated
# pages refer to). Links to other collections' plugins are plain URLs that antsibull-docs writes itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(cd "${1:?venv dir}" && pwd)"
dest="${2:?destination dir}"
export PATH="$venv/bin:$PATH"

rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"

# the Sphinx project: conf.py and antsibull-docs.cfg as antsibull-docs makes them for this collection
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir . \
    --no-add-antsibull-docs-version \
    --project "aemtools.brand_portal" --title "aemtools.brand_portal" --html-short-title "aemtools.brand_portal" \
    --copyright "aemtools contributors" \
    aemtools.brand_portal >/dev/null
python "$here/docs_inventory.py" ansible_devel.inv
cat >>conf.py <<EOF

# offline (docs.sh): no inventory is downloaded; ansible-core's labels come from a local file
intersphinx_mapping = {
    'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '$PWD/ansible_devel.inv'),
}
EOF

mkdir -p rst
chmod og-w rst    # antsibull-docs wants this directory writable by its owner only
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --fail-on-error \
    --use-current --squash-hierarchy --dest-dir rst aemtools.brand_portal

# -W: a warning (an unresolved :ansplugin:/:ansopt:/:ref:, bad RST) fails the build; -n: nitpicky references
sphinx-build -b html -W --keep-going -n -q -c . rst html
echo "== docs built: $dest/html/index.html (user guide: $dest/html/docsite/user_guide.html)"
