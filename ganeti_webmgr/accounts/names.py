"""What names GWM's groups may have (the group forms and the LDAP group mirror check them)."""

import re

# Group names appear in URLs and in Ganeti owner tags (gwm:owner:group:<name>, at most
# 128 characters from [\w.+*/:@-]): the same characters as Django's user names.
GROUP_NAME = re.compile(r"[\w.+@-]{1,100}")
