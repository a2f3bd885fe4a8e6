"""Write the Sphinx inventory (objects.inv) of the few ansible-core documentation labels that antsibull-docs'
generated pages refer to, so that the docs build resolves them offline: intersphinx would download the whole
inventory from docs.ansible.com. The links in the HTML still point to docs.ansible.com.
    docs_inventory.py OUT_FILE"""

import sys
import zlib

# label -> (page, anchor, title) under https://docs.ansible.com/projects/ansible/devel/
LABELS = {
    "action_plugins": ("plugins/action.html", "action-plugins", "Action plugins"),
    "common_return_values": ("reference_appendices/common_return_values.html", "common-return-values",
                             "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
}


def main(out):
    lines = "".join("%s std:label -1 %s#%s %s\n" % (label, page, anchor, title)
                    for label, (page, anchor, title) in sorted(LABELS.items()))
    header = (b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
              b"# The remainder of this file is compressed using zlib.\n")
    with open(out, "wb") as handle:
        handle.write(header + zlib.compress(lines.encode("utf-8")))


if __name__ == "__main__":
    main(sys.argv[1])
