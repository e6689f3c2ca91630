"""The property suite: named invariants over the model, and Hypothesis stateful machines."""
