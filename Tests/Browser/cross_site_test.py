"""Another web page cannot make the user's browser start or cancel runs (headless Chromium).

A page served from a second origin (a throwaway http.server on another port) fires every request a
page can send without the user noticing at two live servers: one with a token, where the browser is
logged in (it holds the dashboard's cookies), and one started with --no-auth on loopback. The requests:
a no-cors `fetch` POST with `text/plain` (a "simple request": no CORS preflight), a JSON `fetch`, an
auto-submitted form, and a cancel. The page records what the browser let it see; then the servers'
run lists (read with the token, outside the browser) must still be empty, and the servers must have
answered each request they received with a refusal.

Started by scripts/test-browser. Exits 1 with a message naming the failed check.
"""

import argparse
import http.server
import json
import os
import socketserver
import sys
import tempfile
import threading
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ATTACK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>attacking</title></head><body>
<iframe name="sink" style="display:none"></iframe>
<form id="form" method="post" action="TARGET/api/runs" target="sink" enctype="application/x-www-form-urlencoded">
<input type="hidden" name='{"workflow":"hello","x":"' value='"}'></form>
<script>
const target = "TARGET";
const seen = [];
async function attempt(name, url, init) {
  try { const r = await fetch(url, init); seen.push(name + ":" + r.type + ":" + r.status); }
  catch (e) { seen.push(name + ":error"); }
}
(async () => {
  await attempt("text-plain", target + "/api/runs", {method: "POST", mode: "no-cors", credentials: "include",
    headers: {"Content-Type": "text/plain"}, body: '{"workflow": "hello"}'});
  await attempt("json", target + "/api/runs", {method: "POST", credentials: "include",
    headers: {"Content-Type": "application/json"}, body: '{"workflow": "hello"}'});
  await attempt("cancel", target + "/api/runs/RUN/cancel", {method: "POST", mode: "no-cors", credentials: "include"});
  document.getElementById("form").submit();
  await new Promise(resolve => document.querySelector("iframe").addEventListener("load", resolve, {once: true}));
  seen.push("form:sent");
  document.title = "done " + seen.join(" ");
})();
</script></body></html>
"""


class CheckFailed(Exception):
    pass


def api(base, path, token=None, method="GET", body=None):
    request = urllib.request.Request(base + path, method=method, data=body)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class Canary(http.server.BaseHTTPRequestHandler):
    """A server that accepts everything and records what reached it: the control that proves the
    browser really sends these requests, so that flowrun's refusal is what stops them."""
    received = []
    protocol_version = "HTTP/1.0"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        Canary.received.append((self.path, self.headers.get("Content-Type"), self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            self.wfile.write(b"ok")
        except BrokenPipeError:  # a no-cors fetch may hang up before the answer: it was delivered all the same
            pass

    def log_message(self, *args):
        pass


def serve_canary():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Canary)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_attack_pages(folder):
    class Pages(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=folder, **k)

        def log_message(self, *args):
            pass

    handler = Pages
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_driver(args):
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)


def attack(driver, attacker_origin, folder, name, target, run_id):
    page = ATTACK_PAGE.replace("TARGET", target).replace("RUN", run_id)
    with open(os.path.join(folder, name + ".html"), "w") as f:
        f.write(page)
    driver.get(attacker_origin + "/" + name + ".html")
    WebDriverWait(driver, 30).until(lambda d: d.title.startswith("done"), "the attack page finished")
    print(f"  {name}: the browser reported {driver.title[5:]}")
    return driver.title


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a server with a token")
    parser.add_argument("--token", required=True)
    parser.add_argument("--open-url", required=True, help="a server started with --no-auth")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    # A run on each server for the cancel attempt to aim at (made by a legitimate client), and the
    # runs that exist before the attack (the dashboard test ran first).
    victim = api(args.url, "/api/runs", args.token, "POST", b'{"workflow": "hello"}')["id"]
    victim_open = api(args.open_url, "/api/runs", None, "POST", b'{"workflow": "hello"}')["id"]
    before = {base: {r["id"] for r in api(base, "/api/runs?limit=500", token)["runs"]}
              for base, token in ((args.url, args.token), (args.open_url, None))}

    folder = tempfile.mkdtemp()
    pages = serve_attack_pages(folder)
    attacker = f"http://localhost:{pages.server_address[1]}"  # another origin: other host name and port
    driver = make_driver(args)
    try:
        print("cross-site: logging the browser in to the token server")
        driver.get(args.url + "/login?token=" + args.token)
        WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url, "the login link logs in")
        if not any(c["name"] == "flowrun_token" for c in driver.get_cookies()):
            raise CheckFailed("the login link set no cookie")

        canary = serve_canary()
        attack(driver, attacker, folder, "canary", f"http://127.0.0.1:{canary.server_address[1]}", "x")
        reached = sorted({(path, kind) for path, kind, _ in Canary.received})
        print(f"  control: the browser delivered {reached} to a server that accepts anything")
        if not any(kind == "text/plain" for _, kind in reached) or not any(kind == "application/x-www-form-urlencoded" for _, kind in reached):
            raise CheckFailed("the browser did not deliver the cross-site requests at all: the test would prove nothing")
        canary.shutdown()

        attack(driver, attacker, folder, "token", args.url, victim)
        attack(driver, attacker, folder, "open", args.open_url, victim_open)

        for base, token, keep in ((args.url, args.token, victim), (args.open_url, None, victim_open)):
            runs = api(base, "/api/runs?limit=500", token)["runs"]
            extra = [r["id"] for r in runs if r["id"] not in before[base]]
            if extra:
                raise CheckFailed(f"{base}: the attack page started runs {extra}")
            state = api(base, f"/api/runs/{keep}", token)["state"]
            if state == "canceled":
                raise CheckFailed(f"{base}: the attack page canceled run {keep}")
            print(f"  {base}: no run started, run {keep} still {state}")
        print("cross-site: passed")
    except CheckFailed as failure:
        print(f"cross-site: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        driver.quit()
        pages.shutdown()


if __name__ == "__main__":
    main()
