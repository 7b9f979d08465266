"""Whether a sign-in takes a second step."""

from __future__ import annotations

from ganeti_webmgr.permissions import rules
from ganeti_webmgr.two_factor import devices


def second_step_needed(user) -> bool:
    """After the password: users with an authenticator give a code; users who must
    have one and do not are sent to set it up."""
    return devices.is_enrolled(user) or rules.must_use_two_factor(user)
