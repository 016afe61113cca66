"""Crawls a static site in headless Chromium and checks that every internal link resolves.

Usage: python3 crawl.py DIR START_PAGE [--chromium PATH] [--max N] [--concurrency N]
                        [--inject auto|extension|page] [--timeout SECONDS]

Serves DIR, unchanged, with `python3 -m http.server` on a free loopback port, opens
http://127.0.0.1:PORT/START_PAGE in headless Chromium with crawl.js (beside this file) running in
it, and prints crawl.js's JSON summary on standard output: {pages, files, external, broken,
missing_fragments, ...}, plus "inject" (how crawl.js was run) and "seconds" (Chromium's wall
time). Exits 0 when the crawl ran, broken links or not (the caller asserts on the summary); 1
when it did not run (the server did not start, Chromium crashed, timed out or wrote no summary);
2 on a usage error; 3 when no Chromium is found.

Nothing is written into DIR. crawl.js is put into the real page, on the site's own origin, as the
content script of a throwaway unpacked extension (--load-extension, which Debian's chromium
honours; Google's branded Chrome is reported to ignore it from version 137). --inject page serves
a small page that runs crawl.js from a second server on another port, and lets it read the site
with --disable-web-security; auto, the default, tries the extension and falls back to that.

Headless Chromium's --dump-dom prints the DOM once the page's load event has fired (fetch()
does not hold it back), and with --virtual-time-budget=MS only after MS milliseconds of virtual
time, a clock started after the load event that is held back while network fetches are pending
(not wholly: a 6 s crawl of 1258 fetches moved it 2.2 s) and jumps to the end of the budget
once the page is idle. crawl.js starts before the load event and keeps fetches in flight until
it has written its summary, so the largest budget the flag takes (2^31-1 ms) ends as soon as the
crawl does; budgets of 1000 and 3000 ms were measured to end a 1258-fetch crawl midway and just
after it. Without the flag the DOM is printed before the crawl has done anything. A summary is
written only at the end, so a dump that came too early shows as no summary (exit 1), never as a
clean crawl. Standard library only.
"""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
CRAWLER = os.path.join(HERE, "crawl.js")

# Headless Chromium on a closed network, with the flags the Rust tests use (tests/cli/common.rs):
# no sandbox (it cannot start as root), no GPU, and no connection to anything but the site.
with open(os.path.join(HERE, "headless.txt"), encoding="utf-8") as flags:
    HEADLESS = flags.read().split()
# Virtual time stands still while fetches are pending: the largest budget the flag takes (an
# int) ends when the crawl does.
BUDGET = "--virtual-time-budget=2147483647"

USAGE = __doc__.split("\n\n")[1]


def usage(message):
    sys.stderr.write(f"crawl.py: {message}\n{USAGE}\n")
    sys.exit(2)


def parse_arguments(argv):
    positional, options = [], {
        "chromium": None,
        "max": 20000,
        "concurrency": 8,
        "inject": "auto",
        "timeout": 900.0,
    }
    i = 0
    while i < len(argv):
        argument = argv[i]
        if argument in ("-h", "--help"):
            sys.stdout.write(__doc__)
            sys.exit(0)
        if argument.startswith("--"):
            name, equals, value = argument[2:].partition("=")
            if name not in options:
                usage(f"unknown option {argument}")
            if not equals:
                i += 1
                if i == len(argv):
                    usage(f"{argument} needs a value")
                value = argv[i]
            try:
                if name in ("max", "concurrency"):
                    options[name] = int(value)
                    if options[name] < 1:
                        raise ValueError
                elif name == "timeout":
                    options[name] = float(value)
                elif name == "inject":
                    if value not in ("auto", "extension", "page"):
                        raise ValueError
                    options[name] = value
                else:
                    options[name] = value
            except ValueError:
                usage(f"bad value for --{name}: {value}")
        else:
            positional.append(argument)
        i += 1
    if len(positional) != 2:
        usage("DIR and START_PAGE are needed")
    directory, start = positional
    if not os.path.isdir(directory):
        usage(f"{directory} is not a directory")
    return os.path.abspath(directory), start.lstrip("/"), options


def find_chromium(given):
    if given:
        found = shutil.which(given)
        return found
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def serve(directory):
    """Starts `python3 -m http.server` on a free loopback port; returns (process, port)."""
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server"]
        + ["--bind", "127.0.0.1", "0", "--directory", directory],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # one line a request: never read, so never let it fill a pipe
        text=True,
    )
    # "Serving HTTP on 127.0.0.1 port 45529 (http://127.0.0.1:45529/) ..."
    line = server.stdout.readline()
    match = re.search(r"port (\d+)", line)
    if not match:
        server.kill()
        server.wait()
        raise RuntimeError(f"http.server did not start: {line!r}")
    return server, int(match.group(1))


def config_script(options, start=None):
    config = {"max": options["max"], "concurrency": options["concurrency"]}
    if start:
        config["start"] = start
    return f"window.CRAWL_CONFIG = {json.dumps(config)};\n"


def run_chromium(chromium, arguments, timeout):
    """Returns (summary or None, what went wrong, seconds, timed out)."""
    began = time.monotonic()
    # Its own process group, so that a timeout ends the renderers too, and nothing else.
    browser = subprocess.Popen(
        [chromium, *HEADLESS, BUDGET, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = browser.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(browser.pid, signal.SIGKILL)
        stdout, stderr = browser.communicate()
        return None, f"Chromium timed out after {timeout} s", time.monotonic() - began, True
    seconds = time.monotonic() - began
    dom = stdout.decode("utf-8", "replace")
    log = stderr.decode("utf-8", "replace")
    # The last one: with --inject page, crawl.js's own text (in the DOM too) names the element.
    found = re.findall(r'<pre id="crawl-result">([^<]*)</pre>', dom)
    if not found:
        problem = f"no crawl summary in the DOM (exit {browser.returncode})\n{log}"
        return None, problem, seconds, False
    try:
        return json.loads(html.unescape(found[-1])), None, seconds, False
    except ValueError as error:
        return None, f"the crawl summary is no JSON ({error}): {found[-1][:300]}", seconds, False


def crawl_with_extension(chromium, port, start, options, scratch):
    """crawl.js as the content script of an unpacked extension, in the real start page."""
    extension = os.path.join(scratch, "extension")
    os.makedirs(extension)
    shutil.copy(CRAWLER, os.path.join(extension, "crawl.js"))
    with open(os.path.join(extension, "config.js"), "w", encoding="utf-8") as out:
        out.write(config_script(options))
    manifest = {
        "manifest_version": 3,
        "name": "crawl",
        "version": "1.0",
        "content_scripts": [
            {
                # A match pattern without a port matches every port.
                "matches": ["http://127.0.0.1/*"],
                "js": ["config.js", "crawl.js"],
                # Before the load event, so fetches are pending when --dump-dom starts its
                # virtual clock (at document_idle the script could start after it, and the
                # budget be spent at once on an idle page).
                "run_at": "document_end",
                "all_frames": False,
            }
        ],
    }
    with open(os.path.join(extension, "manifest.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out)
    url = f"http://127.0.0.1:{port}/{urllib.parse.quote(start, safe='/?=&#%')}"
    return run_chromium(
        chromium,
        [
            f"--user-data-dir={os.path.join(scratch, 'profile-extension')}",
            f"--load-extension={extension}",
            f"--disable-extensions-except={extension}",
            "--dump-dom",
            url,
        ],
        options["timeout"],
    )


def crawl_from_page(chromium, port, start, options, scratch):
    """crawl.js in a page of a second server, reading the site across origins."""
    wrapper = os.path.join(scratch, "wrapper")
    os.makedirs(wrapper)
    target = f"http://127.0.0.1:{port}/{urllib.parse.quote(start, safe='/?=&#%')}"
    with open(CRAWLER, encoding="utf-8") as source:
        crawler = source.read()
    page = (
        "<!doctype html><html><head><meta charset=utf-8><title>crawl</title></head><body>\n"
        f"<script>{config_script(options, target)}</script>\n"
        f"<script>{crawler}</script>\n</body></html>\n"
    )
    with open(os.path.join(wrapper, "crawl.html"), "w", encoding="utf-8") as out:
        out.write(page)
    server, wrapper_port = serve(wrapper)
    try:
        return run_chromium(
            chromium,
            [
                f"--user-data-dir={os.path.join(scratch, 'profile-page')}",
                "--disable-web-security",
                "--dump-dom",
                f"http://127.0.0.1:{wrapper_port}/crawl.html",
            ],
            options["timeout"],
        )
    finally:
        server.kill()
        server.wait()


def main(argv):
    directory, start, options = parse_arguments(argv)
    chromium = find_chromium(options["chromium"])
    if not chromium:
        sys.stderr.write(
            "crawl.py: no Chromium found (install Debian's chromium, or give --chromium)\n"
        )
        return 3
    try:
        server, port = serve(directory)
    except RuntimeError as error:
        sys.stderr.write(f"crawl.py: {error}\n")
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="crawl-") as scratch:
            result, problem, seconds, timed_out = None, None, 0.0, False
            inject = options["inject"]
            if inject in ("auto", "extension"):
                result, problem, seconds, timed_out = crawl_with_extension(
                    chromium, port, start, options, scratch
                )
                inject = "extension"
                if result is None and options["inject"] == "auto" and not timed_out:
                    sys.stderr.write(
                        "crawl.py: no summary from the extension, trying a page instead: "
                        f"{problem}\n"
                    )
            if result is None and not timed_out and options["inject"] in ("auto", "page"):
                result, problem, seconds, timed_out = crawl_from_page(
                    chromium, port, start, options, scratch
                )
                inject = "page"
    finally:
        server.kill()
        server.wait()
    if result is None:
        sys.stderr.write(f"crawl.py: the crawl did not run: {problem}\n")
        return 1
    result["inject"] = inject
    result["seconds"] = round(seconds, 2)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
