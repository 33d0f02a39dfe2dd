"""Replay the console transcripts that docs/ shows, so the docs cannot
drift from what the kernel does.

A transcript is a code block (indented by four spaces, or fenced with
```) whose first line starts with the prompt "antidote> ". Each prompt
line is one command, typed as shown; the lines after it, up to the next
prompt, are what the doc claims that command prints. "(qemu) LINE" is a
command for QEMU's monitor. "..." stands for lines the doc leaves out.

What varies from run to run is masked: timestamps, and every number
(decimal or hexadecimal). A claimed line must then appear, in order,
in what the kernel printed after the command: at once, or within a
timeout (kernel messages may come after the prompt). Frame numbers and
pids the doc shows are learned: the replay types the number this run
printed wherever the doc types the number it showed, and where the doc
shows that number again, this run must print the same one again. An
empty command (Enter alone) is typed again until its claims appear, as a
student presses Enter to see a job that has just ended; what it claims
may also have come just before it, after the previous claims.

The console's `sh` starts busybox's shell: from there on, a line that
starts with the shell's prompt ("/ # ": the working directory and "#")
is one shell command, typed as shown and done at the next prompt, up to
the shell's `exit`, which comes back to "antidote> ". A block may start
at a shell prompt when the one before it in its section left the shell
running.

An HTML comment just before a block steers the replay:

    <!-- replay: fresh -->            boot a new machine for this block
    <!-- replay: setup CMD; CMD -->   run these commands first, unchecked
    <!-- replay: panic -->            the block ends in a kernel panic
    <!-- replay: skip WHY -->         not replayed, and why
    <!-- replay: source NAME.c -->    (before a C block) the program NAME
    <!-- replay: extra NAME.c ... --> boot a new machine whose initramfs
                                      also holds these programs, built as
                                      the doc builds them (make EXTRA=DIR)

Every "## " section of a doc starts on a freshly booted machine, as the
labs tell students to do.
"""
import re
from dataclasses import dataclass, field

from machine import EXIT_PANIC, PROMPT

WAIT = 15   # seconds a claimed line may take to appear

NUMBER = re.compile(r"0x[0-9a-fA-F]+|\b[0-9a-f]*[0-9][0-9a-f]*\b")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
# busybox ash's prompt (PS1 '\w \$ '): in a transcript, at the start of
# a line; on the serial line, after a newline.
SHELL_PROMPT = re.compile(r"^[/~]\S* [#$] ")
SHELL_PROMPT_ON_SERIAL = r"(?<=\n)[/~]\S* [#$] "
# ...and at the end of a command's output, with the cursor position
# query (ESC [6n) its line editor sends after it
SHELL_PROMPT_AT_END = re.compile(r"\n[/~]\S* [#$]( \x1b\[6n)?$")


@dataclass
class Step:
    command: str                 # as the doc types it
    qemu: bool                   # a QEMU monitor command
    shell: bool = False          # typed at busybox's shell, not the console
    claims: list = field(default_factory=list)


@dataclass
class Block:
    line: int                    # where it starts in the doc, for messages
    steps: list
    directives: dict


@dataclass
class Section:
    title: str
    blocks: list
    sources: dict = field(default_factory=dict)   # NAME.c -> its text


def code_blocks(text):
    """(first line number, lines, the directive comment before it) for each
    code block of a markdown text."""
    lines = text.split("\n")
    i, comment = 0, ""
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            yield i + 1, lines[i + 1:j], comment
            i, comment = j + 1, ""
            continue
        if line.startswith("    ") and (i == 0 or not lines[i - 1].strip()):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            body = [l[4:] for l in lines[i:j]]
            while body and not body[-1].strip():
                body.pop()
            yield i + 1, body, comment
            i, comment = j, ""
            continue
        m = re.match(r"<!-- replay: (.*) -->$", line.strip())
        if m:
            comment = m.group(1)
        elif line.strip():
            comment = ""
        i += 1


def parse_directives(comment):
    directives = {}
    for part in filter(None, (p.strip() for p in comment.split(" | "))):
        word, _, rest = part.partition(" ")
        directives[word] = rest.strip()
    return directives


def parse_steps(lines, in_shell=False):
    """The steps of a block, and whether the shell still runs at its end."""
    steps = []
    for line in lines:
        prompt = SHELL_PROMPT.match(line) if in_shell else None
        if prompt:
            steps.append(Step(line[prompt.end():].strip(), qemu=False, shell=True))
            in_shell = steps[-1].command != "exit"
        elif line.startswith(PROMPT.rstrip()):
            steps.append(Step(line[len(PROMPT):].strip(), qemu=False))
            in_shell = steps[-1].command == "sh"
        elif line.startswith("(qemu) "):
            steps.append(Step(line[len("(qemu) "):].strip(), qemu=True))
        elif steps and line.strip():
            steps[-1].claims.append(line.rstrip())
    return steps, in_shell


def starts_transcript(lines, in_shell):
    return bool(lines) and (lines[0].startswith(PROMPT.rstrip()) or
                            in_shell and SHELL_PROMPT.match(lines[0]) is not None)


def parse(path):
    """The sections of a doc with their transcripts."""
    sections, current, in_shell = [], Section("(top)", []), False
    text = path.read_text()
    headings = [(m.start(), m.group(1)) for m in re.finditer(r"^## (.*)$", text, re.M)]
    for number, lines, comment in code_blocks(text):
        offset = len("\n".join(text.split("\n")[:number - 1]))
        title = next((t for start, t in reversed(headings) if start <= offset), "(top)")
        if title != current.title:
            current, in_shell = Section(title, []), False
            sections.append(current)
        directives = parse_directives(comment)
        if "source" in directives:
            current.sources[directives["source"]] = "\n".join(lines) + "\n"
        elif starts_transcript(lines, in_shell):
            steps, in_shell = parse_steps(lines, in_shell)
            current.blocks.append(Block(number, steps, directives))
    return [s for s in sections if s.blocks]


def claim_regex(claim, known=lambda shown, before: None):
    """A claimed line as a regex: timestamps masked, and each number a
    group, to learn what this run printed: masked, or the number this
    run printed before where known(shown, text before it) says so.
    Spaces are stretchy."""
    claim = TIMESTAMP.sub("", claim)
    parts, pos = [r"(?:\[\s*\d+\.\d+\] )?"], 0
    for m in NUMBER.finditer(claim):
        parts.append(spaces(re.escape(claim[pos:m.start()])))
        actual = known(m.group(), claim[:m.start()])
        if actual is not None:
            parts.append("(%s)" % actual)
        else:
            parts.append(r"(0x[0-9a-fA-F]+)" if m.group().startswith("0x") else r"([0-9a-f]+)")
        pos = m.end()
    parts.append(spaces(re.escape(claim[pos:])))
    return "".join(parts).rstrip() + r"[ \t]*\r?\n"


def spaces(escaped):
    return re.sub(r"(\\ )+", r"[ \\t]+", escaped)


def is_frame(shown):
    return shown.startswith("0x") and int(shown, 16) >= 0x100


def is_pid(shown, before):
    return shown.isdigit() and re.search(r"(\[|pid |\w:)$", before) is not None


class Replay:
    """One machine replaying one section; learns numbers as it goes."""

    def __init__(self, vm, outputs=None):
        self.vm = vm
        self.frames = {}   # a hex number the doc showed -> this run's
        self.pids = {}     # a pid the doc showed -> this run's
        # (command as typed, what came back), in order; may be shared
        # by the replays of one section
        self.outputs = [] if outputs is None else outputs
        self.claimed = 0   # where the last claim matched, in the transcript

    def learn(self, claim, match):
        claim = TIMESTAMP.sub("", claim)
        for m, actual in zip(NUMBER.finditer(claim), match.groups()):
            shown = m.group()
            before = claim[:m.start()]
            if is_frame(shown):
                self.frames[int(shown, 16)] = int(actual, 16)
            elif is_pid(shown, before):
                self.pids[shown] = actual

    def known(self, shown, before):
        """A regex for the number this run printed where the doc showed
        `shown` before, or None if it is to be masked."""
        if is_frame(shown) and int(shown, 16) in self.frames:
            return "0x0*%x" % self.frames[int(shown, 16)]
        if is_pid(shown, before) and shown in self.pids:
            return self.pids[shown]
        return None

    def substitute(self, command):
        def number(m):
            text = m.group()
            if text.startswith("0x"):
                value = int(text, 16)
                if value in self.frames:
                    return "0x%0*x" % (len(text) - 2, self.frames[value])
                if value & 0xfff == 0 and value >> 12 in self.frames:
                    return "0x%0*x" % (len(text) - 2, self.frames[value >> 12] << 12)
                return text
            return self.pids.get(text, text)
        return NUMBER.sub(number, command)

    def step(self, step, last_panics=False):
        command = self.substitute(step.command)
        start = self.vm.mark()
        if step.qemu:
            answer = self.vm.hmp(command)
            assert answer == "", "QEMU refused %r: %s" % (command, answer)
        elif last_panics:
            self.vm.send(command + "\r")
        elif step.command == "sh" if not step.shell else step.command != "exit":
            # the console's sh, or a shell command: done at the shell's
            # prompt (or the console's, if sh could not start)
            self.vm.send(command + "\r")
            self.vm.wait_for("%s|%s" % (SHELL_PROMPT_ON_SERIAL, re.escape(PROMPT)),
                             timeout=120, since=start)
        else:
            self.vm.command(command, timeout=120)
        end = self.vm.mark()
        since = self.claimed if command == "" else start
        for claim in step.claims:
            if claim.strip() == "...":
                continue
            match = self.wait_for_claim(claim, since, again=command == "")
            self.learn(claim, match)
            since = self.claimed = match.end()
        # What it printed: to the next prompt, or on to its last claim.
        text = self.vm.transcript[min(start, since):max(end, since)].replace("\r\n", "\n")
        text = text.rstrip()
        if text.endswith(PROMPT.rstrip()):
            text = text[:-len(PROMPT.rstrip())]
        text = SHELL_PROMPT_AT_END.sub("", text)
        self.outputs.append((command, text.strip()))

    def wait_for_claim(self, claim, since, again):
        regex = claim_regex(claim, self.known)
        if not again:
            return self.vm.wait_for(regex, timeout=WAIT, since=since)
        for _ in range(WAIT - 1):
            try:
                return self.vm.wait_for(regex, timeout=1, since=since)
            except AssertionError:
                self.vm.command("")
        return self.vm.wait_for(regex, timeout=1, since=since)

    def block(self, block):
        for command in filter(None, (c.strip() for c in
                                     block.directives.get("setup", "").split(";"))):
            self.outputs.append((command, self.vm.command(command, timeout=120)))
        panics = "panic" in block.directives
        for i, step in enumerate(block.steps):
            self.step(step, last_panics=panics and i == len(block.steps) - 1)
        if panics:
            self.vm.expect_exit(EXIT_PANIC)
