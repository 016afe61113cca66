"""A private, throw-away Apache httpd 2.4 serving directories, for tests of twinning's static site.

Usage:
  python apache.py start STATEDIR --mount /URLPATH=/ABS/DIR [--mount ...] [--loglevel LEVEL]
                                           write STATEDIR/httpd.conf, start Apache in the
                                           background, wait until it answers; prints JSON
                                           {"base": "http://127.0.0.1:PORT", "pid": P}
  python apache.py stop STATEDIR           stop it and wait until its port is free (the
                                           configuration and logs stay in STATEDIR)

Each --mount serves a directory at a URL path: `/site=/tmp/x/site` is an Alias, and `/=/tmp/x/root`
makes the directory the DocumentRoot (without one, the DocumentRoot is an empty STATEDIR/docroot).
Every mounted directory gets `AllowOverride All`, `Options FollowSymLinks`, `Require all granted`
and `DirectoryIndex index.html`, so its .htaccess files apply (mod_rewrite, mod_headers,
mod_negotiation, mod_setenvif, mod_mime, mod_dir and mod_alias directives are all available).
--loglevel is Apache's LogLevel, e.g. "warn rewrite:trace3" to trace mod_rewrite in error.log.

Standard library only, and instance.py beside this file (what it shares with virtuoso.py).
Nothing system-wide is used: the instance has its own httpd.conf, error.log, access.log and
httpd.pid in STATEDIR, and listens on 127.0.0.1 only, on a free port picked at start. Run as root
(as the tests are), Apache serves from processes that run as an unprivileged account (www-data,
else nobody), so every mounted directory, its files and all its parents must be readable and
searchable by that account: a directory from tempfile.mkdtemp() is 0700 and needs chmod 0755.
start checks this and refuses (exit 2) with the path at fault.
Media types: /etc/mime.types when it exists (Debian's media-types package: Debian's python3
depends on it, apache2-bin does not), else a list written from Python's mimetypes module, then the RDF and
web types twinning's site uses (.ttl, .nt, .nq, .jsonld, .trig, .html, .svg, .zip).
Exit codes: 0 success, 1 Apache refused to start (its error log or configtest output on standard
error), 2 usage or a state error, 3 Apache is not installed (Debian: apt-get install apache2-bin).
"""

import grp
import http.client
import json
import mimetypes
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time

import instance
from instance import NOT_INSTALLED, STATE_FILE, alive, fail, free_port, terminate

CONF_FILE = "httpd.conf"
# Where the apache2-bin package (Debian, Ubuntu) and the httpd package (Fedora, RHEL) put things.
BINARIES = ("apache2", "httpd", "/usr/sbin/apache2", "/usr/sbin/httpd")
MODULE_DIRS = ("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules")
# (module name, file): log_config and unixd are built into Debian's apache2, hence <IfModule>.
MODULES = (
    ("mpm_event_module", "mod_mpm_event.so"),
    ("unixd_module", "mod_unixd.so"),
    ("log_config_module", "mod_log_config.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("mime_module", "mod_mime.so"),
    ("negotiation_module", "mod_negotiation.so"),
    ("rewrite_module", "mod_rewrite.so"),
    ("headers_module", "mod_headers.so"),
    ("alias_module", "mod_alias.so"),
    ("dir_module", "mod_dir.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("env_module", "mod_env.so"),
)
# Served by the site, and not (or not right) in every mime.types.
TYPES = (
    ("text/turtle", ".ttl"),
    ("application/n-triples", ".nt"),
    ("application/n-quads", ".nq"),
    ("application/ld+json", ".jsonld"),
    ("application/trig", ".trig"),
    ("text/html", ".html"),
    ("image/svg+xml", ".svg"),
    ("application/zip", ".zip"),
)
UTF8_EXTENSIONS = ".html .ttl .nt .nq .jsonld"
# Tried in this order for the account that serves requests when Apache starts as root.
SERVING_USERS = ("www-data", "nobody")

CONF = """\
# Written by twinning's tests/clients/apache.py for a private, throw-away instance.
ServerRoot "{statedir}"
DefaultRuntimeDir "{statedir}"
PidFile "{statedir}/httpd.pid"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
{load_modules}
{user}
StartServers 1
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
MinSpareThreads 8
MaxSpareThreads 32
Timeout 60
KeepAlive On
ServerTokens Prod
ServerSignature Off
TraceEnable Off

ErrorLog "{statedir}/error.log"
LogLevel {loglevel}
LogFormat "%t \\"%r\\" %>s %b \\"%{{Accept}}i\\" \\"%{{Accept-Language}}i\\" %{{Content-Type}}o" neg
CustomLog "{statedir}/access.log" neg

TypesConfig "{types_config}"
{add_types}
AddCharset utf-8 {utf8_extensions}

<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
<Files ".ht*">
    Require all denied
</Files>

DocumentRoot "{docroot}"
<Directory "{docroot}">
    AllowOverride {docroot_override}
    Options FollowSymLinks
    Require all granted
    DirectoryIndex index.html
</Directory>
{aliases}"""

ALIAS = """
Alias "{url}" "{directory}"
<Directory "{directory}">
    AllowOverride All
    Options FollowSymLinks
    Require all granted
    DirectoryIndex index.html
</Directory>
"""


def binary() -> str:
    """The httpd binary, or exit 3."""
    for name in BINARIES:
        found = shutil.which(name)
        if found is not None:
            return found
    fail(
        "Apache httpd is not installed (no apache2 or httpd); "
        "on Debian: apt-get install apache2-bin",
        NOT_INSTALLED,
    )


def module_dir() -> str:
    for directory in MODULE_DIRS:
        if os.path.isfile(os.path.join(directory, "mod_rewrite.so")):
            return directory
    fail(
        f"Apache is installed but its modules are not in any of {', '.join(MODULE_DIRS)}",
        NOT_INSTALLED,
    )


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def read_state(statedir: str) -> dict:
    return instance.read_state(statedir, f"apache.py start {statedir} --mount ...")


def log_tail(statedir: str) -> str:
    return instance.log_tail(statedir, "error.log", 20)


def parse_mounts(arguments: list[str]) -> tuple[list[tuple[str, str]], str]:
    """The --mount URLPATH=DIR pairs and the --loglevel, or exit 2."""
    mounts: list[tuple[str, str]] = []
    loglevel = "warn"
    rest = list(arguments)
    while rest:
        option = rest.pop(0)
        if option.startswith("--mount="):
            value = option[len("--mount="):]
        elif option.startswith("--loglevel="):
            loglevel = option[len("--loglevel="):]
            continue
        elif option in ("--mount", "--loglevel") and rest:
            value = rest.pop(0)
            if option == "--loglevel":
                loglevel = value
                continue
        else:
            fail(f"unexpected argument {option!r}\n{usage()}")
        url, equals, directory = value.partition("=")
        if not equals or not url.startswith("/") or (url != "/" and url.endswith("/")):
            fail(f"--mount takes /URLPATH=/ABS/DIR (no trailing slash on the path): {value!r}")
        if not os.path.isabs(directory) or not os.path.isdir(directory):
            fail(f"--mount {value!r}: {directory!r} is not an absolute path to a directory")
        for text in (url, directory):
            if any(c in text for c in '"\\\n\r') or any(c.isspace() for c in url):
                fail(f"--mount {value!r}: quotes, backslashes and spaces are not supported")
        if any(url == seen for seen, _ in mounts):
            fail(f"--mount {url} is given twice")
        mounts.append((url, os.path.normpath(directory)))
    if not mounts:
        fail(f"start needs at least one --mount\n{usage()}")
    if any(c in loglevel for c in '"\n\r'):
        fail(f"--loglevel {loglevel!r} is not a LogLevel")
    return mounts, loglevel


def serving_account() -> tuple[str, str, int, int] | None:
    """(user, group, uid, gid) that Apache's children serve as when it starts as root, else None
    (Apache started by another user keeps serving as that user)."""
    if os.geteuid() != 0:
        return None
    for name in SERVING_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        try:
            group = grp.getgrgid(entry.pw_gid).gr_name
        except KeyError:
            continue
        return name, group, entry.pw_uid, entry.pw_gid
    fail(f"Apache refuses to serve as root and none of {', '.join(SERVING_USERS)} exists")


def unreadable(directory: str, uid: int, gid: int) -> str | None:
    """The first path the account cannot reach in the directory (its parents, the directory, its
    subdirectories and files), found by a forked child that takes the account's identity, so that
    permission bits and ACLs are judged by the kernel itself. None when all is readable."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: never returns
        os.close(read_end)
        found = ""
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            if not os.access(directory, os.R_OK | os.X_OK):
                found = directory
            else:
                for root, dirs, files in os.walk(directory, onerror=lambda e: None):
                    for name in dirs:
                        path = os.path.join(root, name)
                        if not os.access(path, os.R_OK | os.X_OK):
                            found = path
                            break
                    for name in files if not found else ():
                        path = os.path.join(root, name)
                        if not os.path.islink(path) and not os.access(path, os.R_OK):
                            found = path
                            break
                    if found:
                        break
        except OSError as error:
            found = f"{directory} ({error})"
        os.write(write_end, found.encode("utf-8", "surrogateescape"))
        os._exit(0)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(child, 0)
    found = b"".join(chunks).decode("utf-8", "surrogateescape")
    return found or None


def types_config(statedir: str) -> str:
    """/etc/mime.types, or a file in its format written from Python's own table."""
    if os.path.isfile("/etc/mime.types"):
        return "/etc/mime.types"
    table = mimetypes.MimeTypes(filenames=())
    by_type: dict[str, list[str]] = {}
    for extension, media_type in sorted(table.types_map[True].items()):
        by_type.setdefault(media_type, []).append(extension.lstrip("."))
    path = os.path.join(statedir, "mime.types")
    with open(path, "w", encoding="utf-8") as file:
        file.write("# Written by apache.py from Python's mimetypes: /etc/mime.types is missing.\n")
        for media_type, extensions in sorted(by_type.items()):
            file.write(f"{media_type}\t{' '.join(extensions)}\n")
    return path


def usage() -> str:
    return __doc__.split("\n\n")[1]


def start(statedir: str, arguments: list[str]) -> None:
    server = binary()
    modules = module_dir()
    mounts, loglevel = parse_mounts(arguments)
    statedir = os.path.abspath(statedir)
    if any(c in statedir for c in '"\\\n\r'):
        fail(f"STATEDIR {statedir!r}: quotes and backslashes are not supported")
    os.makedirs(statedir, exist_ok=True)
    instance.refuse_running(statedir)
    if os.path.exists(os.path.join(statedir, STATE_FILE)):
        os.unlink(os.path.join(statedir, STATE_FILE))  # left by an instance that died

    account = serving_account()
    if account is not None:
        for url, directory in mounts:
            path = unreadable(directory, account[2], account[3])
            if path is not None:
                fail(
                    f"--mount {url}: {path} is not readable by {account[0]}, the account Apache "
                    f"serves as (chmod a+rX it and its parents)"
                )

    docroot = next((directory for url, directory in mounts if url == "/"), None)
    docroot_override = "All"
    if docroot is None:
        docroot = os.path.join(statedir, "docroot")
        os.makedirs(docroot, exist_ok=True)
        os.chmod(docroot, 0o755)
        docroot_override = "None"
    # mod_alias takes the first Alias that matches: the longest paths first.
    aliases = "".join(
        ALIAS.format(url=url, directory=directory)
        for url, directory in sorted(mounts, key=lambda mount: -len(mount[0]))
        if url != "/"
    )
    load_modules = "\n".join(
        f"<IfModule !{name}>\n    LoadModule {name} \"{modules}/{file}\"\n</IfModule>"
        for name, file in MODULES
        if name != "unixd_module" or os.path.isfile(os.path.join(modules, file))
    )
    user = "" if account is None else f"User {account[0]}\nGroup {account[1]}"
    port = free_port()
    conf = os.path.join(statedir, CONF_FILE)
    with open(conf, "w", encoding="utf-8") as file:
        file.write(
            CONF.format(
                statedir=statedir,
                port=port,
                load_modules=load_modules,
                user=user,
                loglevel=loglevel,
                types_config=types_config(statedir),
                add_types="\n".join(f"AddType {t} {e}" for t, e in TYPES),
                utf8_extensions=UTF8_EXTENSIONS,
                docroot=docroot,
                docroot_override=docroot_override,
                aliases=aliases,
            )
        )

    # An empty environment but PATH: Debian's apache2 needs none of its envvars with -f.
    environment = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C"}
    test = subprocess.run(
        [server, "-t", "-f", conf],
        capture_output=True,
        text=True,
        errors="replace",
        env=environment,
        check=False,
    )
    if test.returncode != 0:
        fail(f"Apache rejected {conf}:\n{(test.stdout + test.stderr).strip()}", 1)

    for name in ("error.log", "access.log"):
        # A fresh log per start, so a tail shows this start's messages.
        path = os.path.join(statedir, name)
        if os.path.exists(path):
            os.unlink(path)
    process = instance.launch(
        statedir, [server, "-f", conf, "-DFOREGROUND"], cwd=statedir, env=environment
    )
    base = f"http://127.0.0.1:{port}"
    state = {"base": base, "port": port, "pid": process.pid, "mounts": dict(mounts)}
    instance.write_state(statedir, state)
    deadline = time.monotonic() + 30
    while not answers(port):
        if process.poll() is not None:
            os.unlink(os.path.join(statedir, STATE_FILE))
            fail(f"Apache exited with {process.returncode}\n{log_tail(statedir)}", 1)
        if time.monotonic() > deadline:
            terminate(process.pid)
            os.unlink(os.path.join(statedir, STATE_FILE))
            fail(f"Apache did not answer on {base} within 30 s\n{log_tail(statedir)}", 1)
        time.sleep(0.1)
    print(json.dumps({"base": base, "pid": process.pid}))


def answers(port: int) -> bool:
    """Whether an HTTP server answers on the port, whatever the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("HEAD", "/")
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def stop(statedir: str) -> None:
    statedir = os.path.abspath(statedir)
    state = read_state(statedir)
    # SIGTERM is Apache's immediate stop (the parent ends its children, then itself); SIGKILL goes
    # to the process group that start made (Apache and its children) if it is still up after 15 s.
    terminate(state["pid"])
    deadline = time.monotonic() + 15
    while port_open(state["port"]):
        if time.monotonic() > deadline:
            fail(f"port {state['port']} still answers 15 s after stopping pid {state['pid']}", 1)
        time.sleep(0.1)
    for name in (STATE_FILE, "httpd.pid"):
        path = os.path.join(statedir, name)
        if os.path.exists(path):
            os.unlink(path)


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in ("start", "stop"):
        fail(usage())
    if sys.argv[1] == "stop" and len(sys.argv) != 3:
        fail(usage())
    binary()
    if sys.argv[1] == "start":
        start(sys.argv[2], sys.argv[3:])
    else:
        stop(sys.argv[2])


if __name__ == "__main__":
    main()
