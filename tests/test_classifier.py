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
