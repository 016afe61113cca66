"""A private OpenLink Virtuoso 7.2 instance, a second SPARQL engine for twinning's research queries.

Usage:
  python virtuoso.py start STATEDIR        create and start an instance in STATEDIR; prints JSON
                                           {"sparql": URL, "isql_port": N, "pid": P}
  python virtuoso.py load STATEDIR FILE.nq bulk-load an N-Quads file, each quad into its own named
                                           graph, then checkpoint
  python virtuoso.py query STATEDIR Q.rq   run a query over the union of all graphs (no FROM, no
                                           default-graph-uri: Virtuoso's default); prints SPARQL 1.1
                                           Query Results JSON
  python virtuoso.py stop STATEDIR         stop the instance and remove STATEDIR's database files

Standard library only, and instance.py beside this file (what it shares with apache.py).
Nothing system-wide is used: the instance has its own virtuoso.ini, database and log in STATEDIR,
listens on 127.0.0.1 only, on two free ports picked at start. Exit codes: 0 success, 1 Virtuoso
refused (its message on standard error), 2 usage or a state error, 3 Virtuoso is not installed
(Debian: apt-get install virtuoso-opensource).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import instance
from instance import NOT_INSTALLED, STATE_FILE, SERVER_OUT, alive, fail, free_port

# Virtuoso's default administrator account; the instance only listens on 127.0.0.1.
DBA = ("dba", "dba")

INI = """\
; Written by twinning's tests/clients/virtuoso.py for a private, throw-away instance.
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {import_dir}, {vad_dir}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = {vad_dir}/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = 100000
MaxDirtyBuffers          = 60000

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {www}
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
DefaultMailServer           = localhost:25
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:{http_port}

[SPARQL]
; No row cap and no "anytime" timeout: either would silently return a partial answer.
ResultSetMaxRows           = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
MaxSortedTopRows           = 100000000
DefaultQuery               = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit    = 0
"""


def binaries() -> tuple[str, str]:
    """virtuoso-t and its isql (isql-vt on Debian), or exit 3."""
    server = shutil.which("virtuoso-t")
    if server is None:
        fail(
            "Virtuoso is not installed (no virtuoso-t on PATH); "
            "on Debian: apt-get install virtuoso-opensource",
            NOT_INSTALLED,
        )
    for name in ("isql-vt", "isql-v"):
        isql = shutil.which(name)
        if isql is not None:
            return server, isql
    fail("virtuoso-t is installed but its isql (isql-vt) is not", NOT_INSTALLED)


def read_state(statedir: str) -> dict:
    return instance.read_state(statedir, f"virtuoso.py start {statedir}")


def log_tail(statedir: str) -> str:
    return instance.log_tail(statedir, "db/virtuoso.log", 15)


def isql(statedir: str, script: str, timeout: float = 3600, check: bool = True) -> str:
    """Runs SQL statements (each ending in ';') through isql; unless check is false, fails with
    Virtuoso's message on an error. Returns isql's output."""
    _, isql_binary = binaries()
    state = read_state(statedir)
    script_file = os.path.join(statedir, "isql-script.sql")
    with open(script_file, "w", encoding="utf-8") as file:
        file.write(script)
    try:
        run = subprocess.run(
            [
                isql_binary,
                f"127.0.0.1:{state['isql_port']}",
                DBA[0],
                DBA[1],
                "VERBOSE=OFF",
                "BANNER=OFF",
                "PROMPT=OFF",
                "ECHO=OFF",
                "ERRORS=STDOUT",
                script_file,
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        if not check:
            return ""
        fail(f"isql did not finish in {timeout} s")
    output = run.stdout + run.stderr
    errors = [line for line in output.splitlines() if line.startswith("*** Error")]
    if check and (run.returncode != 0 or errors):
        fail(f"isql failed:\n{output.strip()}", 1)
    return output


def http_ready(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK { }"})
    request = urllib.request.Request(
        f"{url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(statedir: str) -> None:
    server, _ = binaries()
    statedir = os.path.abspath(statedir)
    instance.refuse_running(statedir)
    db = os.path.join(statedir, "db")
    # A lock file left by an instance that died would stop virtuoso-t from starting.
    lock = os.path.join(db, "virtuoso.lck")
    if os.path.exists(lock):
        os.unlink(lock)
    import_dir = os.path.join(statedir, "import")
    www = os.path.join(statedir, "www")
    for directory in (db, import_dir, www):
        os.makedirs(directory, exist_ok=True)
    vad_dir = "/usr/share/virtuoso-opensource-7/vad"
    isql_port = free_port()
    http_port = free_port()
    while http_port == isql_port:
        http_port = free_port()
    ini = os.path.join(statedir, "virtuoso.ini")
    with open(ini, "w", encoding="utf-8") as file:
        file.write(
            INI.format(
                db=db,
                import_dir=import_dir,
                vad_dir=vad_dir,
                www=www,
                isql_port=isql_port,
                http_port=http_port,
            )
        )
    began = time.monotonic()
    process = instance.launch(statedir, [server, "+configfile", ini, "+foreground"], cwd=db)
    sparql = f"http://127.0.0.1:{http_port}/sparql"
    state = {"sparql": sparql, "isql_port": isql_port, "http_port": http_port, "pid": process.pid}
    instance.write_state(statedir, state)
    # A new database is created and initialised at the first start: allow for a slow machine.
    deadline = began + 180
    while not http_ready(sparql):
        if process.poll() is not None:
            fail(f"virtuoso-t exited with {process.returncode}\n{log_tail(statedir)}", 1)
        if time.monotonic() > deadline:
            process.terminate()
            fail(f"Virtuoso did not answer on {sparql} within 180 s\n{log_tail(statedir)}", 1)
        time.sleep(0.5)
    print(json.dumps({"sparql": sparql, "isql_port": isql_port, "pid": process.pid}))


def sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def load(statedir: str, nquads: str) -> None:
    """Bulk-loads FILE.nq with Virtuoso's bulk loader: ld_dir registers the file (the .nq
    extension selects the N-Quads parser, which puts each quad in the graph it names; the graph
    argument only serves triples without one), rdf_loader_run loads it, and a checkpoint makes it
    durable. The file is linked (or copied) into STATEDIR/import, which DirsAllowed lists."""
    statedir = os.path.abspath(statedir)
    read_state(statedir)
    if not os.path.isfile(nquads):
        fail(f"no such file: {nquads}")
    import_dir = os.path.join(statedir, "import")
    os.makedirs(import_dir, exist_ok=True)
    # A new file name per load: the bulk loader skips a file name it has already loaded.
    name = f"load-{time.time_ns()}.nq"
    target = os.path.join(import_dir, name)
    try:
        os.link(nquads, target)
    except OSError:
        shutil.copyfile(nquads, target)
    default_graph = "urn:twinning:virtuoso:default-graph"
    try:
        bulk_load(statedir, nquads, target, name, import_dir, default_graph)
    finally:
        os.unlink(target)


def bulk_load(
    statedir: str, nquads: str, target: str, name: str, import_dir: str, default_graph: str
) -> None:
    output = isql(
        statedir,
        f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {sql_string(target)};\n"
        f"ld_dir({sql_string(import_dir)}, {sql_string(name)}, {sql_string(default_graph)});\n"
        "rdf_loader_run();\n"
        "checkpoint;\n"
        "SELECT 'load-status', ll_state, ll_error FROM DB.DBA.LOAD_LIST "
        f"WHERE ll_file = {sql_string(target)};\n",
    )
    status = [line for line in output.splitlines() if line.startswith("load-status")]
    if not status:
        fail(f"the bulk loader did not register {target}:\n{output}", 1)
    fields = status[-1].split(None, 2)
    if fields[1] != "2" or (len(fields) > 2 and fields[2].strip() not in ("", "NULL")):
        fail(f"the bulk loader failed on {nquads}: {status[-1]}\n{log_tail(statedir)}", 1)


def normalise(results: dict) -> dict:
    """Virtuoso writes typed literals as "typed-literal" (the 2007 draft); SPARQL 1.1 Query Results
    JSON has "literal" with a "datatype". Nothing else is changed."""
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "typed-literal":
                term["type"] = "literal"
    return results


def query(statedir: str, query_file: str) -> None:
    state = read_state(statedir)
    with open(query_file, encoding="utf-8") as file:
        text = file.read()
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(
        state["sparql"],
        data=body,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            payload = response.read()
            # Virtuoso marks a partial ("anytime") answer with this header; never accept one.
            if response.headers.get("X-SQL-State"):
                fail(
                    "Virtuoso returned a partial answer: "
                    f"{response.headers.get('X-SQL-State')} {response.headers.get('X-SQL-Message')}",
                    1,
                )
    except urllib.error.HTTPError as error:
        message = error.read().decode("utf-8", errors="replace").strip()
        fail(f"Virtuoso rejected {query_file} (HTTP {error.code}):\n{message}", 1)
    except urllib.error.URLError as error:
        fail(f"no answer from {state['sparql']}: {error.reason}", 1)
    results = normalise(json.loads(payload.decode("utf-8")))
    sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


def stop(statedir: str) -> None:
    statedir = os.path.abspath(statedir)
    state = read_state(statedir)
    pid = state["pid"]
    if alive(pid):
        # A clean shutdown through isql when it answers, else SIGTERM, then SIGKILL.
        isql(statedir, "shutdown;\n", timeout=60, check=False)
        instance.wait_gone(pid, 30, 0.2)
        instance.terminate(pid, poll=0.2, group=False)
    for name in ("db", "import", "www", "virtuoso.ini", SERVER_OUT, "isql-script.sql", STATE_FILE):
        path = os.path.join(statedir, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            os.unlink(path)
    try:
        os.rmdir(statedir)
    except OSError:
        pass  # not empty: something else lives there


def main() -> None:
    commands = {"start": 1, "load": 2, "query": 2, "stop": 1}
    if len(sys.argv) < 2 or sys.argv[1] not in commands or len(sys.argv) != commands[sys.argv[1]] + 2:
        fail(__doc__.split("\n\n")[1])
    binaries()
    command, args = sys.argv[1], sys.argv[2:]
    if command == "start":
        start(*args)
    elif command == "load":
        load(*args)
    elif command == "query":
        query(*args)
    else:
        stop(*args)


if __name__ == "__main__":
    main()
