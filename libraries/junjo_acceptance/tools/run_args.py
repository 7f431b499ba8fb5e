"""What an acceptance run was asked to do, read from the arguments given to ``bin/acceptance``.

``bin/acceptance`` passes its extra arguments to pabot/robot; the sign-off needs three facts from them: where
the results went (``--outputdir``), which target profile ran (``--variable TARGET:<name>``) and whether the
run was deliberately narrowed (``--include``, ``--exclude``, ``--test``, ``--suite`` or explicit paths), which
decides the tests that were meant to run. ``python -m junjo_acceptance.tools.run_args outputdir ARGS…`` prints the
output
directory (for the shell script).
"""

import sys
from dataclasses import dataclass, field

# Robot options whose value the sign-off needs, long and short spellings.
_VALUE_OPTIONS = {
    "--outputdir": "outputdir", "-d": "outputdir",
    "--include": "include", "-i": "include",
    "--exclude": "exclude", "-e": "exclude",
    "--test": "test", "-t": "test", "--task": "test",
    "--suite": "suite", "-s": "suite",
    "--variable": "variable", "-v": "variable",
}
# Other options of robot/pabot that take a value (so the value is not mistaken for a suite path).
_OTHER_VALUE_OPTIONS = {
    "--processes", "--pabotlibport", "--pabotlibhost", "--ordering", "--argumentfile", "-A", "--name", "-N",
    "--doc", "-D", "--metadata", "-M", "--settag", "-G", "--output", "-o", "--log", "-l", "--report", "-r",
    "--xunit", "-x", "--loglevel", "-L", "--variablefile", "-V", "--listener", "--pythonpath", "-P",
    "--console", "--timestampoutputs", "--splitlog", "--tagstatinclude", "--tagstatexclude", "--suitestatlevel",
    "--removekeywords", "--flattenkeywords", "--maxerrorlines", "--maxassignlength", "--randomize",
    "--rerunfailed", "-R", "--rerunfailedsuites", "-S", "--skiponfailure", "--skip", "--chunk", "--command",
    "--end-command", "--resourcefile", "--artifacts", "--shard", "--exitonfailure",
}


@dataclass
class RunArgs:
    """The parts of a run's command line that decide what it was meant to test and where it wrote."""

    outputdir: str = "results"
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    test: list[str] = field(default_factory=list)
    suite: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The target profile the run used (``reference`` unless ``--variable TARGET:<name>``)."""
        return self.variables.get("TARGET", "reference")

    @property
    def filters(self) -> list[str]:
        """The selection options of a deliberately narrowed run, as given (empty for a full run)."""
        return ([f"--include {v}" for v in self.include] + [f"--exclude {v}" for v in self.exclude]
                + [f"--test {v}" for v in self.test] + [f"--suite {v}" for v in self.suite]
                + [f"path {v}" for v in self.paths])


def parse(argv: list[str]) -> RunArgs:
    """Read the options that matter from ``argv`` (robot/pabot spelling, ``--opt value`` or ``--opt=value``);
    everything else is ignored. Later values of ``--outputdir`` win, as in robot."""
    args = RunArgs()
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        name, has_inline, inline = item.partition("=") if item.startswith("--") else (item, "", "")
        if name in _VALUE_OPTIONS or name in _OTHER_VALUE_OPTIONS:
            if has_inline:
                value = inline
            elif index + 1 < len(items):
                index += 1
                value = items[index]
            else:
                break
            _store(args, _VALUE_OPTIONS.get(name), value)
        elif not item.startswith("-"):
            args.paths.append(item)
        index += 1
    return args


def _store(args: RunArgs, key: "str | None", value: str) -> None:
    if key == "outputdir":
        args.outputdir = value
    elif key == "variable":
        name, _, val = value.partition(":")
        args.variables[name] = val
    elif key:
        getattr(args, key).append(value)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] != "outputdir":
        print("usage: python -m junjo_acceptance.tools.run_args outputdir [robot arguments…]", file=sys.stderr)
        return 2
    print(parse(argv[2:]).outputdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
