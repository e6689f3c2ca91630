"""The engine's refusals, as recorded from Docker 20.10, classified into the model's error kinds."""
import pytest

from dockspec.observe import Classifier
from model.errors import ErrorKind

CASES = [
    ("Error response from daemon: failed to get digest sha256:1397: open /var/lib/docker/image/overlay2/imagedb/"
     "content/sha256/1397: no such file or directory", ErrorKind.NO_SUCH_IMAGE),
    ("open nosuch.tar: no such file or directory", ErrorKind.NO_SUCH_FILE),
    ("Error: No such container: nosuch", ErrorKind.NO_SUCH_CONTAINER),
    ("Error response from daemon: You cannot remove a paused container 1f2e. Unpause and then stop the container "
     "before attempting removal or force remove", ErrorKind.REMOVE_PAUSED),
    ("Error response from daemon: conflict: unable to delete 2d1e45a75f55 (cannot be forced) - image has dependent "
     "child images", ErrorKind.IMAGE_HAS_CHILDREN),
    ('docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: '
     'unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown.',
     ErrorKind.EXEC_NOT_FOUND),
]


@pytest.mark.parametrize("stderr, kind", CASES)
def test_engine_refusals_are_classified_as_the_model_classifies_them(stderr, kind):
    assert Classifier()(stderr) is kind


# Podman 4.3 and 5.4's words for the same refusals (their CLI and socket; docs/dialects/podman.md)
PODMAN = [
    ("cannot remove container 7162 as it is running - running or paused containers cannot be removed without "
     "force: container state improper", ErrorKind.REMOVE_RUNNING),
    ("Error: cannot remove container 26ad as it is paused - running or paused containers cannot be removed without "
     "force: container state improper", ErrorKind.REMOVE_PAUSED),
    ('Error: no container with name or ID "nosuch" found: no such container', ErrorKind.NO_SUCH_CONTAINER),
    ('no container with ID or name "nosuch" found: no such container', ErrorKind.NO_SUCH_CONTAINER),
    ('Error: inspecting object: no such object: "nosuch:1"', ErrorKind.NO_SUCH_CONTAINER),
    ("failed to find image nosuch:1: docker.io/library/nosuch:1: image not known", ErrorKind.NO_SUCH_IMAGE),
    ('Error: creating container storage: the container name "r5" is already in use by 0c3b. You have to remove '
     "that container to be able to reuse that name: that name is already in use", ErrorKind.NAME_IN_USE),
    ("Error: can only kill running containers. 6ca4 is in state exited: container state improper",
     ErrorKind.NOT_RUNNING),
    ("Error: can only create exec sessions on running containers: container state improper", ErrorKind.NOT_RUNNING),
    ("Error: container ca43 is running or paused, refusing to clean up: container state improper", ErrorKind.PAUSED),
    ("Error: unable to restart a container in a paused or unknown state: container state improper", ErrorKind.PAUSED),
    ("Error: image used by 43f5: image is in use by a container: consider listing external containers and "
     "force-removing image", ErrorKind.IMAGE_IN_USE),
    ('Error: unable to delete image "f380" by ID with more than one tag ([localhost/base:1 localhost/base:2]): '
     "please force removal", ErrorKind.IMAGE_MULTIPLE_REPOS),
    ('building at STEP "RUN exit 7": while running runtime: exit status 7', ErrorKind.BUILD_FAILED),
    ('Error: "26ad" is already paused: container state improper', ErrorKind.ALREADY_PAUSED),
    ('Error: "26ad" is not paused, can\'t unpause: container state improper', ErrorKind.NOT_PAUSED),
    ('Error: "exited" is not running, can\'t pause: container state improper', ErrorKind.NOT_RUNNING),
    # the restart races of an --rm container through the socket (a 500; bench/soak podman-4.3 seed 1031)
    ("Error response from daemon: saving container 65115ca20f73 state: container has already been removed",
     ErrorKind.REMOVAL_IN_PROGRESS),
    ("Error response from daemon: sending SIGKILL to container 65115ca20f73: container state improper: stopped",
     ErrorKind.NOT_RUNNING),
]


@pytest.mark.parametrize("stderr, kind", PODMAN)
def test_podman_refusals_are_classified_by_what_they_say(stderr, kind):
    assert Classifier()(stderr) is kind


def test_docker_wordings_keep_their_kinds(monkeypatch):
    """Podman's phrases are checked first: none of them may change how a Docker 20.10 wording reads."""
    import re

    from dockspec import observe
    from model.profile import DOCKER_20_10

    texts = [re.sub(r"\{[a-z_]+\}", "x1", t) for _, t in DOCKER_20_10.messages.values()] + [t for t, _ in CASES]
    with_podman = [Classifier()(t) for t in texts]
    monkeypatch.setattr(observe, "_PODMAN", ())
    assert [Classifier()(t) for t in texts] == with_podman
