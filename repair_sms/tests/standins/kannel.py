# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real Kannel (bearerbox + smsbox) with the ``fakesmsc`` test SMSC.

Everything runs from Debian's ``kannel`` and ``kannel-extras`` packages with a
configuration written to a temporary folder and free ports, so it never meets
the packaged service (admin port 13000). Usable by hand::

    python3 repair_sms/tests/standins/kannel.py

prints the sendsms URL and credentials and runs until Ctrl-C; point a Kannel
gateway's endpoint at it.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME = "odoo"
PASSWORD = "kannel-secret"

CONFIG = """
group = core
admin-port = {admin_port}
admin-password = admin-{password}
admin-allow-ip = 127.0.0.1
smsbox-port = {smsbox_port}
box-allow-ip = 127.0.0.1
log-file = "{folder}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{folder}/smsbox.log"
log-level = 1
http-request-retry = 5
http-queue-delay = 1

group = sendsms-user
username = {username}
password = {password}
max-messages = 5
concatenation = true

group = sms-service
keyword = default
text = "No service"
omit-empty = true
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available():
    return all(os.path.exists(path) for path in (BEARERBOX, SMSBOX, FAKESMSC))


def _wait_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    raise RuntimeError("Kannel did not open port %s" % port)


class KannelStack:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="repair-sms-kannel-")
        self.admin_port = free_port()
        self.smsbox_port = free_port()
        self.smsc_port = free_port()
        self.sendsms_port = free_port()
        self.processes = {}
        self.smsc_log = os.path.join(self.folder, "fakesmsc.log")
        self._smsc_log_file = None

    @property
    def url(self):
        return "http://127.0.0.1:%s" % self.sendsms_port

    def start(self):
        config = os.path.join(self.folder, "kannel.conf")
        with open(config, "w") as handle:
            handle.write(
                CONFIG.format(
                    folder=self.folder,
                    admin_port=self.admin_port,
                    smsbox_port=self.smsbox_port,
                    smsc_port=self.smsc_port,
                    sendsms_port=self.sendsms_port,
                    username=USERNAME,
                    password=PASSWORD,
                )
            )
        self._spawn("bearerbox", [BEARERBOX, config])
        _wait_port(self.smsbox_port)
        self._spawn("smsbox", [SMSBOX, config])
        _wait_port(self.sendsms_port)
        return self

    def _spawn(self, name, args, stderr=subprocess.DEVNULL):
        self.processes[name] = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
        )

    def start_smsc(self):
        """Connect the fake SMSC; it receives, prints and reports delivery."""
        self._smsc_log_file = open(self.smsc_log, "a")  # noqa: SIM115 kept open
        self._spawn(
            "fakesmsc",
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-m", "0", "x"],
            stderr=self._smsc_log_file,
        )
        self._wait_smsc(online=True)

    def stop_smsc(self):
        self._stop("fakesmsc")
        self._wait_smsc(online=False)

    def _status(self):
        url = "http://127.0.0.1:%s/status.txt?password=admin-%s" % (
            self.admin_port,
            PASSWORD,
        )
        import requests  # the tests' dependency, not the stand-in's

        return requests.get(url, timeout=5).text

    def _wait_smsc(self, online, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self._status()
            if (
                re.search(r"fake\[fake\].*\(online", status)
                if online
                else not (re.search(r"fake\[fake\].*\(online", status))
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("fake SMSC did not go %s" % ("online" if online else "off"))

    def received(self):
        """Messages the fake SMSC got: list of (sender, receiver, text)."""
        if not os.path.exists(self.smsc_log):
            return []
        with open(self.smsc_log, encoding="utf-8", errors="replace") as handle:
            log = handle.read()
        messages = []
        for match in re.finditer(r"Got message \d+: <(\S+) (\S+) (\S+) (.*?)>\n", log):
            sender, receiver, kind, text = match.groups()
            if kind in ("ucs2", "ucs-2"):
                raw = urllib.parse.unquote_to_bytes(text.replace("+", "%20"))
                text = raw.decode("utf-16-be")
            elif kind == "text":
                text = urllib.parse.unquote_plus(text)
            messages.append((sender, receiver, text))
        return messages

    def _stop(self, name):
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def stop(self):
        for name in ("fakesmsc", "smsbox", "bearerbox"):
            self._stop(name)
        if self._smsc_log_file:
            self._smsc_log_file.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def main():
    stack = KannelStack().start()
    stack.start_smsc()
    sys.stdout.write(
        "Kannel sendsms at %s, username %r, password %r; the fake SMSC "
        "writes what it gets to %s (Ctrl-C stops)\n"
        % (stack.url, USERNAME, PASSWORD, stack.smsc_log)
    )
    sys.stdout.flush()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        sys.stdout.write("stopping\n")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
