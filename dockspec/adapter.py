"""The Docker SDK backend: each model command as docker-py low-level API calls.

Theory of operation.  An `Adapter` owns one run on one engine (`Owner`: a run
id, the name prefix `dsk-<run>-`, the set of engine image ids it made).  It
translates a model command value (`model.commands`) into API calls, after
prefixing every name and reference the command carries, and reports an
`Outcome`: the CLI exit status the docker CLI would have, stdout, the daemon's
message, and the refusal classified into `model.errors.ErrorKind` from the HTTP
status code and message (never from the SDK exception class).

Everything it makes is marked: containers carry the label `dockspec.run=<run>`
and a prefixed name; images cannot be labelled through every path (import,
commit, load), so their ids are recorded in the owner and in a journal file,
and their tags are prefixed.  `cleanup()` removes by label, prefix and
journal, and never anything else; `cleanup_stale()` does the same for runs
whose process has died (Ctrl-C, crash).
"""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import tarfile
from dataclasses import dataclass
from pathlib import Path

from model import commands as cmd
from model.errors import ErrorKind

from .failures import EngineFault, http_status
from .observe import LABEL, Classifier, Owner, classify, container_row, familiar, full_id, image_row

# -- the journal: which run (pid) made which image -------------------------------------


def journal_path(url: str) -> Path:
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockspec"
    base.mkdir(parents=True, exist_ok=True)
    return base / f"journal-{hashlib.sha256(url.encode()).hexdigest()[:16]}.jsonl"


class Journal:
    """An append-only file of {"run", "pid"} and {"run", "image"} records, one per line."""

    def __init__(self, url: str):
        self.path = journal_path(url)

    def record(self, **entry) -> None:
        with open(self.path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def entries(self) -> list[dict]:
        try:
            return [json.loads(l) for l in self.path.read_text().splitlines() if l.strip()]
        except (OSError, ValueError):
            return []

    def rewrite(self, entries: list[dict]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(e) + "\n" for e in entries))
        tmp.replace(self.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


# -- clean-up --------------------------------------------------------------------------

PREFIX_RX = re.compile(r"^dsk-([0-9a-f]{6,16})-")


def _status(e: Exception) -> int | None:
    return getattr(getattr(e, "response", None), "status_code", None)


def remove_run(api, run_ids: set[str], image_ids: set[str]) -> list[str]:
    """Remove the containers and images of these runs: by label, name prefix, image ids.

    Only objects proved to be the runs' own are touched: a container labelled or
    named for one of the runs, or made from one of their images; an image in
    `image_ids` (recorded when the run made it) or tagged with a run's prefix.
    A tag of someone else's on one of our images is left alone, with the image.
    Ownership is judged on references and ids as Docker reports them
    (`observe.familiar`, `observe.full_id`); a tag is removed by the name the engine
    reported, so that a qualified reference is removed exactly.
    """
    done = []
    def ours_c(c):
        c = container_row(c)
        names = [n.lstrip("/") for n in c.get("Names") or ()]
        m = [PREFIX_RX.match(n) for n in names]
        return ((c.get("Labels") or {}).get(LABEL) in run_ids or any(x and x.group(1) in run_ids for x in m)
                or c.get("ImageID") in image_ids)
    for c in api.containers(all=True):
        if ours_c(c):
            if container_row(c).get("State") == "running":
                # Podman's forced removal of a running container waits out its 10 s stop timeout
                # (ENGINES.md); a stop with no timeout kills it at once (Docker's removal does too)
                try:
                    api.stop(c["Id"], timeout=0)
                except Exception as e:
                    if _status(e) not in (304, 404, 409, 500):
                        raise
            try:
                api.remove_container(c["Id"], force=True)
                done.append(c["Id"])
            except Exception as e:  # already gone, or its removal already under way
                if _status(e) not in (404, 409):
                    raise
    for _ in range(20):
        images = api.images(all=True)
        ours = []
        for raw in images:
            img = image_row(raw)
            tags = [t for t in raw.get("RepoTags") or () if t != "<none>:<none>"]
            prefixed = [t for t in tags if (m := PREFIX_RX.match(familiar(t))) and m.group(1) in run_ids]
            if img["Id"] in image_ids or prefixed:
                foreign_tags = [t for t in tags if t not in prefixed]
                ours.append((img, prefixed, foreign_tags))
        if not ours:
            break
        # children first, among ours: a foreign child keeps its parent anyway (Docker refuses,
        # 409), and Podman's ParentId, computed from shared layers, may name ours for a foreign image
        parents = {img.get("ParentId") for img, _, _ in ours}
        progress = False
        for img, prefixed, foreign in ours:
            try:
                recorded = img["Id"] in image_ids
                # untag ours; the last of our tags goes too when the id was never recorded
                # (a crash between creation and journal): untagging then deletes only our image
                for t in prefixed[1:] if (recorded and not foreign) else prefixed:
                    api.remove_image(t, noprune=True)
                    progress = True
                if foreign or not recorded:
                    continue
                if img["Id"] in parents:
                    continue  # children first
                api.remove_image(img["Id"], force=True, noprune=True)
                done.append(img["Id"])
                progress = True
            except Exception as e:
                if _status(e) not in (404, 409):
                    raise
        if not progress:
            break
    return done


@dataclass
class Outcome:
    exit: int
    stdout: str = ""
    stderr: str = ""
    kind: ErrorKind | None = None
    files: dict | None = None
    status: int | None = None  # HTTP status of the first refusal the daemon answered with


class Adapter:
    """One run of dockspec on one engine, through the Docker SDK's low-level API."""

    def __init__(self, url: str, run_id: str | None = None, stop_timeout: int = 0, timeout: int = 60,
                 classify: Classifier = classify):
        """`classify` reads the engine's refusals (the engine's own dialect's wording: `Classifier(profile)`)."""
        import docker

        self.url = url
        # ssh://user@host: through the machine's own ssh client (its config, keys and agent), as the docker CLI
        self.api = docker.APIClient(base_url=url, timeout=timeout, version="1.41", use_ssh_client=url.startswith("ssh://"))
        self.run_id = run_id or secrets.token_hex(4)
        self.stop_timeout = stop_timeout
        self.classify = classify
        self.journal = Journal(url)
        self.podman = is_podman(self.api)
        self.cleanup_stale()
        baseline = frozenset(image_row(i)["Id"] for i in self.api.images(all=True))
        self.owner = Owner(self.run_id, baseline, parents_prove=not self.podman)
        self.journal.record(run=self.run_id, pid=os.getpid())

    # -- ownership -----------------------------------------------------------------

    @property
    def prefix(self) -> str:
        return self.owner.prefix

    def name(self, name: str) -> str:
        """A model name or reference as the engine knows it (ids are left alone)."""
        if re.fullmatch(r"(sha256:)?[0-9a-f]{12,64}", name):
            return name
        return self.prefix + name

    def container_name(self, name: str) -> str:
        """A name for `create --name`: prefixed, unless docker would refuse it anyway
        (the prefix must not make an invalid name valid)."""
        if not re.fullmatch(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+", name):
            return name
        return self.prefix + name

    def own_image(self, image_id: str) -> None:
        if image_id and image_id not in self.owner.images and image_id not in self.owner.baseline:
            self.owner.images.add(image_id)
            self.journal.record(run=self.run_id, image=image_id)

    def own_printed(self, verb: str, text: str) -> None:
        """Record as ours the images a command of ours printed the id of.

        Only commands that make images prove anything by printing an id (`images
        --no-trunc` prints other people's too): `import`, `commit`, `load` print the
        new image's id (Docker with `sha256:`, Podman's commit without), and a build
        prints the id of every step's image (Docker ` ---> ID`, Podman `--> ID` with
        11 or 12 digits, then the whole id).  Each id must name an image the engine
        has; a short one, exactly one.
        """
        if verb not in ("import", "commit", "load", "build"):
            return
        found = {full_id(m.group(1)) for m in re.finditer(r"(?<![0-9a-f])(?:sha256:)?([0-9a-f]{64})(?![0-9a-f])", text)}
        shorts = set(re.findall(r"(?m)^ ?-+> ([0-9a-f]{11,12})$", text)) if verb == "build" else set()
        if not found and not shorts:
            return
        have = [image_row(i)["Id"] for i in self.api.images(all=True)]
        for image_id in have:
            if image_id in found:
                self.own_image(image_id)
        for s in shorts:
            named = [i for i in have if i[7:].startswith(s)]
            if len(named) == 1:
                self.own_image(named[0])

    def adopt_new_images(self) -> None:
        before = set(self.owner.images)
        self.owner.adopt(self.api.images(all=True))
        for i in self.owner.images - before:
            self.journal.record(run=self.run_id, image=i)

    def cleanup(self) -> list[str]:
        """Remove everything this run made."""
        self.adopt_new_images()
        done = remove_run(self.api, {self.run_id}, set(self.owner.images))
        entries = [e for e in self.journal.entries() if e.get("run") != self.run_id]
        self.journal.rewrite(entries)
        return done

    def cleanup_stale(self) -> list[str]:
        """Remove what earlier runs left behind when their process died (Ctrl-C, crash)."""
        entries = self.journal.entries()
        pids = {e["run"]: e["pid"] for e in entries if "pid" in e}
        dead = {r for r, p in pids.items() if not _alive(p)}
        # containers labelled by a run the journal does not know: a journal lost with its run
        for c in self.api.containers(all=True, filters={"label": LABEL}):
            r = (c.get("Labels") or {}).get(LABEL)
            if r and r not in pids:
                dead.add(r)
        for img in self.api.images():
            for t in img.get("RepoTags") or ():
                m = PREFIX_RX.match(familiar(t))
                if m and m.group(1) not in pids:
                    dead.add(m.group(1))
        if not dead:
            return []
        images = {e["image"] for e in entries if e.get("run") in dead and "image" in e}
        done = remove_run(self.api, dead, images)
        self.journal.rewrite([e for e in entries if e.get("run") not in dead])
        return done

    # -- errors ----------------------------------------------------------------------

    @staticmethod
    def refusal(e: Exception) -> tuple[int | None, str]:
        """(HTTP status, daemon message) of a failed API call; re-raise what is not one."""
        status = _status(e)
        if status is None:
            raise e
        explanation = getattr(e, "explanation", None) or str(e)
        if isinstance(explanation, bytes):
            explanation = explanation.decode(errors="replace")
        return status, explanation

    def _refused(self, e: Exception, out: Outcome, exit: int = 1) -> None:
        status, msg = self.refusal(e)
        line = "Error response from daemon: " + msg
        out.stderr += line + "\n"
        if out.kind is None:
            out.kind = self.classify(line) or (ErrorKind.NO_SUCH_CONTAINER if status == 404 and "container" in msg else None)
        out.status = out.status or status
        out.exit = out.exit or exit

    # -- commands --------------------------------------------------------------------

    def apply(self, c: object) -> Outcome:
        handler = getattr(self, "do_" + type(c).__name__.lower(), None)
        if handler is None:
            raise NotImplementedError(f"the adapter has no mapping for {type(c).__name__}")
        return handler(c)

    def do_logs(self, c) -> Outcome:
        out = Outcome(0)
        try:
            out.stdout = self.api.logs(self.name(c.container), stdout=True, stderr=False).decode(errors="replace")
        except Exception as e:
            self._refused(e, out)
        return out

    def _create(self, c: cmd.Create) -> str:
        hc = self.api.create_host_config(network_mode="none", auto_remove=c.auto_remove,
                                         init=True if getattr(c, "init", False) else None)
        labels = dict(c.labels)
        labels[LABEL] = self.run_id
        res = self.api.create_container(
            self.name(c.image), command=list(c.cmd) if c.cmd is not None else None,
            name=self.container_name(c.name) if c.name else None,
            entrypoint=list(c.entrypoint) if c.entrypoint is not None else None,
            environment=list(c.env) or None, labels=labels, working_dir=c.workdir, host_config=hc,
            stop_timeout=c.stop_timeout)
        return res["Id"]

    def do_create(self, c: cmd.Create) -> Outcome:
        try:
            cid = self._create(c)
        except Exception as e:
            out = Outcome(0)
            self._refused(e, out, 125)
            return out
        return Outcome(0, cid + "\n")

    def do_run(self, c: cmd.Run) -> Outcome:
        out = Outcome(0)
        try:
            cid = self._create(c.create)
        except Exception as e:
            self._refused(e, out, 125)
            return out
        # A foreground run listens before it starts, as the CLI does: a `--rm` container may be
        # gone (exit code and logs with it) by the time `start` returns on a loaded engine.
        # Podman prepares the container for an attach (`runc create`): a workload that cannot start
        # (its executable missing) is refused there, by the attach (4.3: 409, 5.4: 500), with the
        # runtime's words, and the container stays created, as when Docker's `start` refuses it.
        died = output = waited = None
        try:
            if not c.detach:
                waited = self._exit_waiter(cid)
                died = self.api.events(filters={"container": cid, "event": "die"}, decode=True)
                output = self.api.attach(cid, stdout=True, stderr=False, stream=True, logs=True)
            self.api.start(cid)
        except Exception as e:
            for stream in (died, output):
                _close(stream)
            status, msg = self.refusal(e)
            code = 127 if ("not found" in msg or "no such file" in msg) else 126
            self._refused(e, out, code)
            return out
        if c.detach:
            return Outcome(0, cid + "\n")
        try:
            logs = b"".join(output).decode(errors="replace")
            # The output ended with the container, so its `die` event is due; Podman 4.3 was seen
            # never sending it (a stream that waits for ever), so it is waited for a while only.
            event = _first_within(died, DIE_EVENT_WAIT)
        finally:
            for stream in (died, output):
                _close(stream)
        said = (event or {}).get("Actor", {}).get("Attributes", {}).get("exitCode")
        if said is None:  # no event: what the `next-exit` wait asked before the start answered
            waited.join(timeout=5)
            said = waited.status
        if said is None:  # an engine whose events do not say: the container is still there to ask
            try:
                said = self.api.wait(cid, timeout=60).get("StatusCode", 0)
            except Exception as e:
                if http_status(e) != 404:
                    raise
                raise EngineFault(f"the engine sent no `die` event for container {cid[:12]} within "
                                  f"{DIE_EVENT_WAIT} s of its output's end, and removed it: its exit status "
                                  "is lost") from e
        return Outcome(int(said), logs)

    def _exit_waiter(self, cid: str):
        """A thread that waits for the container's next exit (`wait?condition=next-exit`, asked before the
        start, as the docker CLI asks): its `status` is the exit code, or None.  Podman 4.3 was seen sending
        no `die` event for a foreground `--rm` container now and then, its exit status then lost with the
        container (the CI lockstep run on podman-4.3, under load)."""
        import threading

        class Waiter(threading.Thread):
            status = None

            def run(inner):
                try:
                    inner.status = self.api.wait(cid, timeout=DIE_EVENT_WAIT + 60, condition="next-exit").get("StatusCode")
                except Exception:
                    pass  # the die event is the first witness; this one only stands in for it

        waiter = Waiter(daemon=True)
        waiter.start()
        return waiter

    def _each(self, names, fn, exit: int = 1, echo: bool = True) -> Outcome:
        out = Outcome(0)
        for n in names:
            try:
                r = fn(self.name(n))
                if echo:
                    out.stdout += (r if isinstance(r, str) else n) + "\n"
            except Exception as e:
                self._refused(e, out, exit)
        return out

    def do_start(self, c: cmd.Start) -> Outcome:
        if not getattr(c, "attach", False):
            return self._each(c.containers, self.api.start)
        # start -a: attach, start, print the output, exit with the container's code
        out = Outcome(0)
        name = self.name(c.containers[0])
        try:
            self.api.start(name)
            code = self.api.wait(name, timeout=60).get("StatusCode", 0)
            out.stdout = self.api.logs(name, stdout=True, stderr=False).decode(errors="replace")
            out.exit = code
        except Exception as e:
            self._refused(e, out)
        return out

    def do_stop(self, c: cmd.Stop) -> Outcome:
        t = self.stop_timeout if c.timeout is None else c.timeout
        return self._each(c.containers, lambda n: self.api.stop(n, timeout=t))

    def do_restart(self, c: cmd.Restart) -> Outcome:
        t = self.stop_timeout if c.timeout is None else c.timeout
        return self._each(c.containers, lambda n: self.api.restart(n, timeout=t))

    def do_kill(self, c: cmd.Kill) -> Outcome:
        return self._each(c.containers, lambda n: self._kill(n, c.signal))

    def _kill(self, name: str, signal: str) -> None:
        if not self.podman:
            return self.api.kill(name, signal=signal)
        # Podman's Docker-compatible kill, after a KILL, waits for the container to exit and looks it up by
        # name to do so: a `--rm` container removed meanwhile turns the kill it did into "no such container"
        # (bench/soak podman-4.3 seed 1032).  The podman CLI asks libpod's endpoint, which does not wait,
        # and refuses in the same words and statuses (a missing name 404, a container not running 409/500).
        r = self.api._post(f"{self.api.base_url}/v4.0.0/libpod/containers/{name}/kill", params={"signal": signal})
        self.api._raise_for_status(r)

    def do_pause(self, c: cmd.Pause) -> Outcome:
        return self._each(c.containers, self.api.pause)

    def do_unpause(self, c: cmd.Unpause) -> Outcome:
        return self._each(c.containers, self.api.unpause)

    def _missing_ignored(self, force: bool, fn):
        """`fn`, but a name the engine does not know is skipped where the CLI would skip it: podman's
        `rm -f` and `rmi -f` ignore a missing name (its client asks libpod with ignore set; the
        Docker-compatible socket answers 404), so the name is left out, as `podman` leaves it."""
        if not (force and self.podman):
            return fn

        def call(n):
            try:
                return fn(n)
            except Exception as e:
                if self.refusal(e)[0] == 404:
                    return _SKIPPED
                raise
        return call

    def do_rm(self, c: cmd.Rm) -> Outcome:
        if self.podman and not c.force:
            # podman's CLI looks every name up first and removes none when one is missing
            # (replays/07-rm.sh:7); its socket, one DELETE a name, would remove the others (bench/soak
            # podman-5.4 seed 1004): asked as the CLI asks
            for n in c.containers:
                try:
                    self.api.inspect_container(self.name(n))
                except Exception as e:
                    if http_status(e) != 404:
                        raise
                    out = Outcome(0)
                    self._refused(e, out, 1)
                    return out
        out = self._each(c.containers, self._missing_ignored(c.force, lambda n: self.api.remove_container(n, force=c.force)))
        out.stdout = "".join(l + "\n" for l in out.stdout.splitlines() if l != _SKIPPED)
        return out

    def do_rename(self, c: cmd.Rename) -> Outcome:
        out = Outcome(0)
        if not c.container or not c.new_name:
            return Outcome(1, "", "Error: Neither old nor new names may be empty\n", ErrorKind.USAGE)
        slash = "/" if c.new_name.startswith("/") else ""
        try:
            self.api.rename(self.name(c.container), slash + self.container_name(c.new_name.removeprefix("/")))
        except Exception as e:
            self._refused(e, out)
            out.stderr += f"Error: failed to rename container named {c.container}\n"
        return out

    def do_wait(self, c: cmd.Wait) -> Outcome:
        return self._each(c.containers, lambda n: str(self.api.wait(n, timeout=60).get("StatusCode", 0)))

    def do_exec(self, c: cmd.Exec) -> Outcome:
        out = Outcome(0)
        try:
            ex = self.api.exec_create(self.name(c.container), list(c.argv), stdout=True, stderr=True,
                                      workdir=c.workdir, environment=list(c.env) or None)
            data = self.api.exec_start(ex["Id"], detach=c.detach, demux=True)
        except Exception as e:
            self._refused(e, out, 1)
            return out
        if c.detach:
            return out
        stdout, stderr = data if isinstance(data, tuple) else (data, b"")
        code = self.api.exec_inspect(ex["Id"]).get("ExitCode") or 0
        out.stdout = (stdout or b"").decode(errors="replace")
        err = (stderr or b"").decode(errors="replace")
        if code in (126, 127) and "OCI runtime exec failed" in err:
            out.kind = self.classify(err.strip())
        out.stderr, out.exit = err, code
        return out

    def do_diff(self, c: cmd.Diff) -> Outcome:
        kinds = {0: "C", 1: "A", 2: "D"}
        return self._each((c.container,), lambda n: "\n".join(
            f"{kinds[x['Kind']]} {x['Path']}" for x in (self.api.diff(n) or [])) or None, echo=False)

    def do_commit(self, c: cmd.Commit) -> Outcome:
        out = Outcome(0)
        bad = _cli_rejects(c.ref) if c.ref else None
        if bad:  # `docker commit` parses REPOSITORY[:TAG] first, and words it without the prefix
            bad.stderr = bad.stderr.split(" is not a valid repository/tag: ", 1)[-1]
            return bad
        repo, tag = _split_ref(self.name(c.ref)) if c.ref else (None, None)
        try:
            res = self.api.commit(self.name(c.container), repository=repo, tag=tag, message=c.message or None,
                                  author=c.author or None, pause=c.pause)
        except Exception as e:
            self._refused(e, out)
            return out
        image_id = full_id(res["Id"])  # Podman answers without sha256:
        self.own_image(image_id)
        return Outcome(0, image_id + "\n")

    def do_tag(self, c: cmd.Tag) -> Outcome:
        out = Outcome(0)
        bad = _cli_rejects(c.target) or _cli_rejects(c.source, ids_ok=True)
        if bad:  # the CLI parses the target and the source before it calls the daemon
            return bad
        repo, tag = _split_ref(self.name(c.target))
        try:
            self.api.tag(self.name(c.source), repo, tag)
        except Exception as e:
            self._refused(e, out)
        return out

    def do_rmi(self, c: cmd.Rmi) -> Outcome:
        out = Outcome(0)
        remove = self._missing_ignored(c.force, lambda name: self.api.remove_image(name, force=c.force, noprune=c.no_prune))
        for ref in c.images:
            try:
                gone = remove(self.name(ref))
                for item in (gone if gone != _SKIPPED else None) or []:
                    for k, v in item.items():
                        # Podman: `Untagged: docker.io/library/R:T`, `Deleted: <bare id>`
                        v = familiar(v) if k == "Untagged" else full_id(v) if k == "Deleted" else v
                        out.stdout += f"{k}: {v}\n"
            except Exception as e:
                self._refused(e, out)
        return out

    # -- docker cp: the CLI's work over the archive endpoints (dockspec/cp.py) ----------------
    # The host side is the folder `host_dir` (a lockstep session's own); the command's `host`
    # (what the model was told the host has) is not read: the disk is the engine's side.

    host_dir: str | None = None

    def do_cp(self, c: cmd.Cp) -> Outcome:
        from . import cp

        if self.host_dir is None:
            raise NotImplementedError("docker cp needs a host folder (Adapter.host_dir)")
        name = self.name(c.container)
        try:
            if c.into:
                cp.copy_in(self.api, name, c.path, self.host_dir, c.host_path, check_folder=self.podman)
            else:
                cp.copy_out(self.api, name, c.path, self.host_dir, c.host_path)
        except cp.CliRefused as e:
            return Outcome(1, "", e.message + "\n", e.kind)
        except cp.DaemonRefused as e:
            status, msg = self.refusal(e.error)
            if status == 404 and self._client_wraps_not_found():
                # the 20.10 client words every 404 of the archive endpoints alike (wrapResponseError)
                line = f"Error: No such container:path: {name}:{e.path}"
            else:
                line = "Error response from daemon: " + msg
            return Outcome(1, "", line + "\n", self.classify(line), status=status)
        return Outcome(0)

    def _client_wraps_not_found(self) -> bool:
        """Whether the CLI of the engine's release (API before 1.42, Docker 20.10) hides the daemon's 404 message."""
        if getattr(self, "_api_version", None) is None:
            self._api_version = tuple(int(x) for x in str(self.api.version().get("ApiVersion", "1.41")).split("."))
        return self._api_version < (1, 42)

    def do_export(self, c: cmd.Export) -> Outcome:
        out = Outcome(0)
        try:
            data = b"".join(self.api.export(self.name(c.container)))
        except Exception as e:
            self._refused(e, out)
            return out
        out.files = {c.output or "-": data}
        return out

    def do_import(self, c: cmd.Import) -> Outcome:
        out = Outcome(0)
        repo, tag = _split_ref(self.name(c.ref)) if c.ref else (None, None)
        try:
            # Podman's socket (not its CLI) names an import `R:latest` on 4.3, whatever the
            # tag asked for (and moves an `R:latest` of ours there): a quirk of its compat
            # handler, not of the engine (`podman import F R:T` keeps the tag).  So on Podman
            # the image is imported unnamed and then tagged, as `docker import F R:T` names it.
            named = not self.podman
            # labelled as ours, so that `image prune` can be scoped to this run (`_prune_filters`)
            res = self.api.import_image_from_data(c.data, repository=repo if named else None,
                                                  tag=tag if named else None,
                                                  changes=list(c.changes) + [f"LABEL {LABEL}={self.run_id}"])
        except Exception as e:
            self._refused(e, out)
            return out
        text = res if isinstance(res, str) else str(res)
        m = re.search(r"sha256:[0-9a-f]{64}", text)
        if m:
            self.own_image(m.group(0))
            out.stdout = m.group(0) + "\n"
            if repo and not named:
                try:
                    self.api.tag(m.group(0), repo, tag)
                except Exception as e:
                    self._refused(e, out)
        return out

    def do_save(self, c: cmd.Save) -> Outcome:
        out = Outcome(0)
        try:
            # GET /images/get?names=a&names=b: docker-py's get_image takes one name only
            res = self.api._get(self.api._url("/images/get"), params={"names": [self.name(i) for i in c.images]},
                                stream=True)
            self.api._raise_for_status(res)
            data = res.content
        except Exception as e:
            self._refused(e, out)
            return out
        out.files = {c.output or "-": data}
        return out

    def do_load(self, c: cmd.Load) -> Outcome:
        out = Outcome(0)
        try:
            for item in self.api.load_image(c.data, quiet=c.quiet) or []:
                if "stream" in item:
                    out.stdout += item["stream"]
                if "error" in item:
                    out.stderr += item["error"] + "\n"
                    out.exit = 1
                    out.kind = out.kind or self.classify(item["error"])
        except Exception as e:
            self._refused(e, out)
        self.adopt_new_images()
        for m in re.finditer(r"sha256:[0-9a-f]{64}", out.stdout):
            self.own_image(m.group(0))
        return out

    def do_build(self, c: cmd.Build) -> Outcome:
        out = Outcome(0)
        from model import dockerignore

        from .dockerfile import prefix_from

        dockerfile = prefix_from(c.dockerfile, self.name)
        ctx = dockerignore.apply(c.context, c.dockerfile_name)  # what the CLI would send
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            ctx[c.dockerfile_name] = dockerfile.encode()
            for path, data in sorted(ctx.items()):
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        buf.seek(0)
        try:
            tags = [self.name(t) for t in c.tags]
            # `podman build` removes its working container whatever happened (--force-rm defaults to true);
            # its Docker-compatible handler takes the docker CLI's forcerm=0 and keeps the container of a
            # step whose command could not start ("storage", seen only with `ps --external`), which holds
            # the FROM image against rmi and prune (replays/73-build-failed-start.sh).  Asked as the CLI asks.
            force_rm = c.force_rm or self.podman
            for item in self.api.build(fileobj=buf, custom_context=True, tag=tags[0] if tags else None,
                                       nocache=c.no_cache, network_mode="none", rm=c.rm, forcerm=force_rm,
                                       buildargs=dict(c.build_args) or None, target=c.target, decode=True,
                                       dockerfile=c.dockerfile_name, labels=None):
                if "stream" in item:
                    out.stdout += item["stream"]
                if "error" in item:
                    out.stderr += item["error"].strip() + "\n"
                    out.exit = 1
                    out.kind = self.classify(item["error"].strip())
            m = re.findall(r"Successfully built ([0-9a-f]{12})", out.stdout)
            if self.podman:  # its step images have no parent pointer that proves them ours
                self.own_printed("build", out.stdout)
            for t in tags[1:]:
                if m:
                    repo, tag = _split_ref(t)
                    self.api.tag(m[-1], repo, tag)
        except Exception as e:
            self._refused(e, out)
        self.adopt_new_images()
        return out

    # -- prune: only ever this run's objects -------------------------------------------
    # A prune on a shared engine would remove other people's stopped containers and unused
    # images.  Every container of ours carries the label dockspec.run=<run>, and so does every
    # image (import adds it with `-c LABEL`; commit and build inherit it), so every prune goes
    # to the engine with the filter label=dockspec.run=<run> added to the user's own.

    def _prune_filters(self, filters, dangling: bool | None = None) -> dict:
        out: dict[str, list[str]] = {"label": [f"{LABEL}={self.run_id}"]}
        for k, v in filters:
            out.setdefault(k, []).append(v)
        if dangling is not None:
            out["dangling"] = ["true" if dangling else "false"]
        return out

    def _prune(self, out: Outcome, call, filters) -> int:
        try:
            report = call(filters=filters) or {}
        except Exception as e:
            status, msg = self.refusal(e)
            if out.exit == 0:
                line = "Error response from daemon: " + msg
                out.stderr += line + "\n"
                out.kind, out.exit, out.status = classify(line) or ErrorKind.USAGE, 1, status
            return 0
        return report.get("SpaceReclaimed") or 0

    def do_containerprune(self, c: cmd.ContainerPrune) -> Outcome:
        out = Outcome(0)
        if c.force:
            self._prune(out, self.api.prune_containers, self._prune_filters(c.filters))
        return out

    def _prune_images(self, out: Outcome, filters, all_: bool) -> int:
        # (Podman 4.3's Docker-compatible handler always adds dangling=true and so refuses `-a`'s
        # dangling=false, "specifying "dangling" filter more than once with different values is not
        # supported", whatever the other filters; its CLI prunes -a (replays/65-podman-prune-whole.sh
        # agrees on 4.3).  A refusal of the socket's, compared as it is: `dockspec.conform.KNOWN`.
        # Podman's own endpoint is no way round it: there two label filters do not both hold, and a
        # soak's foreign image went.)
        space = self._prune(out, self.api.prune_images, self._prune_filters(filters, dangling=not all_))
        if all_ and self.podman and out.exit == 0:
            # Podman 5.4's socket reads `-a`'s dangling=false as a filter, "the images that are not
            # dangling", and keeps every untagged image without children, which its CLI's `prune -a`
            # deletes (replays/65-podman-prune-whole.sh:21; bench/soak podman-5.4 seeds 1013, 1019): the
            # dangling ones go in a second call, as the CLI's one pass deletes them.
            space += self._prune(out, self.api.prune_images, self._prune_filters(filters, dangling=True))
        return space

    def do_imageprune(self, c: cmd.ImagePrune) -> Outcome:
        out = Outcome(0)
        if c.force:
            self._prune_images(out, c.filters, c.all)
        return out

    def do_systemprune(self, c: cmd.SystemPrune) -> Outcome:
        out = Outcome(0)
        if c.force:
            self._prune(out, self.api.prune_containers, self._prune_filters(c.filters))
            if out.exit == 0:
                self._prune_images(out, c.filters, c.all)
        return out

    # read-only verbs change nothing on the engine: the lockstep compares their
    # refusals only (a missing object), which the snapshot cannot show.
    def do_ps(self, c: cmd.Ps) -> Outcome:
        return Outcome(0)

    def do_images(self, c: cmd.Images) -> Outcome:
        return Outcome(0)

    def do_history(self, c: cmd.History) -> Outcome:
        out = Outcome(0)
        try:
            self.api.history(self.name(c.image))
        except Exception as e:
            status, msg = self.refusal(e)
            line = f"Error response from daemon: {msg}"
            out.stderr, out.exit, out.kind = line + "\n", 1, classify(line) or ErrorKind.NO_SUCH_IMAGE
        return out

    def do_inspect(self, c: cmd.Inspect) -> Outcome:
        out = Outcome(0)
        for t in c.targets:
            found = False
            if c.type in (None, "container"):
                try:
                    self.api.inspect_container(self.name(t))
                    found = True
                except Exception as e:
                    self.refusal(e)
            malformed = None
            if not found and c.type in (None, "image"):
                try:
                    self.api.inspect_image(self.name(t))
                    found = True
                except Exception as e:
                    status, msg = self.refusal(e)
                    # Docker: 400 "invalid reference format"; Podman's socket: 500 "normalizing name for
                    # compat API: ... invalid reference format" or "... repository name must be lowercase"
                    malformed = msg if ((status == 400 and "invalid reference format" in msg)
                                        or (status == 500 and "normalizing name" in msg)) else None
            if not found and malformed and c.type == "image":
                out.stderr += f"Error response from daemon: {msg}\n"
                out.kind, out.exit = out.kind or ErrorKind.INVALID_REFERENCE, 1
            elif not found:
                kind = ErrorKind.NO_SUCH_IMAGE if c.type == "image" else ErrorKind.NO_SUCH_CONTAINER
                out.stderr += f"Error: No such object: {t}\n"
                out.kind, out.exit = out.kind or kind, 1
        return out


_SKIPPED = "\0skipped"  # a name `_missing_ignored` left out


def is_podman(api) -> bool:
    """Whether the engine behind a Docker-compatible API is Podman (`GET /version` names
    its component `Podman Engine`; Docker's is `Engine`)."""
    try:
        components = api.version().get("Components") or ()
    except Exception as e:
        if _status(e) is None:
            raise
        return False
    return any("podman" in (c.get("Name") or "").lower() for c in components)


_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(rf"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?")


def _cli_rejects(ref: str, ids_ok: bool = False) -> Outcome | None:
    """The docker CLI's own check of a reference (reference.ParseNormalizedNamed) before any request."""
    if ids_ok and re.fullmatch(r"(sha256:)?[0-9a-f]{64}", ref):
        return None
    if _REFERENCE.fullmatch(ref) and len(ref.split(":")[0]) <= 255:
        return None
    detail = "repository name must be lowercase" if _REFERENCE.fullmatch(ref.lower()) else "invalid reference format"
    msg = f'Error parsing reference: "{ref}" is not a valid repository/tag: invalid reference format'
    if detail.startswith("repository"):
        msg += ": " + detail
    return Outcome(1, "", msg + "\n", ErrorKind.INVALID_REFERENCE)


def _split_ref(ref: str) -> tuple[str, str | None]:
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = ref.rsplit(":", 1)
        return repo, tag
    return ref, None


DIE_EVENT_WAIT = 20  # seconds


def _first_within(stream, seconds: float):
    """The first item of a blocking SDK stream, or None when none came within `seconds` (the stream
    is closed then, which ends the read)."""
    import threading

    box: list = []
    reader = threading.Thread(target=lambda: box.append(next(stream, None)), daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():
        _close(stream)
        reader.join(5)
        return None
    return box[0] if box else None


def _close(stream) -> None:
    """Close an SDK stream (an events or attach generator), if it was opened."""
    close = getattr(stream, "close", None)
    if close is not None:
        try:
            close()
        except Exception:
            pass
