"""dockspec's model of Docker Engine: pure values and one transition per docker verb.

Nothing here touches an engine, a clock or a random number: the same commands
always give the same states, ids included.
"""
from . import commands
from .engine import TRANSITIONS, VERBS, step
from .errors import EngineError, ErrorKind
from .profile import DOCKER_20_10, Profile
from .result import Result
from .values import Config, Container, History, Image, Layer, Status, World

__all__ = [
    "commands", "step", "TRANSITIONS", "VERBS", "EngineError", "ErrorKind", "Profile", "DOCKER_20_10",
    "Result", "World", "Image", "Container", "Layer", "History", "Config", "Status",
]
