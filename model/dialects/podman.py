"""Podman dialects: 4.3 (Debian bookworm) and 5.4 (Debian trixie), rootful, runc runtime.

Podman speaks Docker's CLI and API with its own wording and, in places, its own
choices.  They are measured row by row in docs/dialects/podman.md (every replay
of replays/*.sh on both Podmans); until they are tabled here, a Podman dialect
speaks its base's dialect in every respect not listed, which `dockspec replay`
shows as divergences.  Several rows need a policy the model does not have yet
(rm of several names checks them all first; stop of a paused container is
refused; rmi -f removes the containers using the image); a few fit existing
choices (every CLI refusal exits 125: `exit_refused`).  Adding an entry is one line, as in `model.dialects.docker`: a
message key mapped to Podman's wording, or a policy of `model.profile.Profile`
set to Podman's choice, each with a comment naming the replay that shows it.
"""
from __future__ import annotations

from ..profile import DOCKER_20_10, differs

# -- Podman 4.3 (Debian bookworm's podman) --------------------------------------------------
PODMAN_4_3 = differs(DOCKER_20_10, "podman-4.3", summary="Podman 4.3 (Debian bookworm), rootful, runc; differences not yet tabled", messages={
    # (nothing tabled yet; ENGINES.md's note, rm -f waiting out the stop timeout without -t 0, is a timing the model does not have)
})

# -- Podman 5.4 (Debian trixie, run in its own mount namespace) -----------------------------
PODMAN_5_4 = differs(PODMAN_4_3, "podman-5.4", summary="Podman 5.4 (Debian trixie), rootful, runc; differences not yet tabled", messages={
    # (nothing tabled yet that 4.3 does otherwise)
})

# Every dialect of this family, each base before the dialects described from it.
DIALECTS = (PODMAN_4_3, PODMAN_5_4)
