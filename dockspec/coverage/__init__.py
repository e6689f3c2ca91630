"""Edge coverage: which transitions of the bounded model a run checked on a real engine.

* `classes`: the classes of containers, images and states, and the edge of a step;
* `edges`: the bound (`CoverBound`), the bounded edge set, and a run's `EdgeCoverage`;
* `planner`: a small set of command sequences that traverses every edge;
* `run`: the cover in lockstep with an engine, then random sessions from covered states;
* `report`: the coverage as text, JSON and JUnit properties.
"""
