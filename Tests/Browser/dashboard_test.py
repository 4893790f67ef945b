"""The dashboard in a real browser (headless Chromium through Selenium), against a live `flowrun serve`.

Logs in with the server's token, starts a run of exam-pipeline from its workflow page, cancels it and
retries it, starts a worker and watches the run succeed, all on the run page without reloading; reads
a step's log, checks the plots loaded, and finds the run in the runs list and on its dataset's page.
Then a run that fails (Tests/Browser/workflows/broken.yaml): its cause shows at the top of its page
without a click, the log opens on the failed step, earlier attempts' logs, search and download work,
and the runs table names the cause. Run again on the first run opens the Run form filled with its
params and dataset; with another model_type the new run reuses preprocess from the cache; the two
runs ticked in the runs table open the compare page (params diff, metrics with the best starred,
ROC curves and confusion matrices side by side); then a sweep run (workflows/exam-sweep.yaml) is
compared with the first run and run again. Then every page at a phone's 390×844 and a desktop's 1440×900,
light and dark: none scrolls sideways at 390 px, and each is saved (full length) as
<out>/screens/<page>-<phone|desktop>-<light|dark>.png; the theme toggle is remembered.
Every wait is an explicit WebDriverWait on a condition. Saves a screenshot of each page in --out;
exits 1 with a message naming the failed check.

Started by scripts/test-browser, which builds flowrun, starts the server without a worker (so that
the run waits until this test starts one) and registers a dataset.
"""

import argparse
import base64
import os
import re
import subprocess
import sys

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

FINISHED = ("succeeded", "failed", "canceled")


class CheckFailed(Exception):
    pass


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="the server's FLOWRUN_API_TOKEN")
    parser.add_argument("--dataset", required=True, help="id of the registered dataset to run on")
    parser.add_argument("--out", default="test-output/browser", help="folder for screenshots")
    parser.add_argument("--run-timeout", type=float, default=180, help="seconds the run may take")
    parser.add_argument("--worker", required=True, help="the worker to start once the run waits: a flowrun binary and its arguments, space-separated")
    parser.add_argument("--worker-pid-file", help="where to write the worker's pid (for the calling script's cleanup)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def make_driver(args):
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # A given driver binary: Selenium Manager would otherwise try to download one.
    return webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)


class DashboardTest:
    def __init__(self, driver, args):
        self.driver = driver
        self.args = args
        self.base = args.url.rstrip("/")
        self.worker = None
        os.makedirs(args.out, exist_ok=True)

    def start_worker(self):
        log = open(os.path.join(self.args.out, "worker.log"), "w")
        self.worker = subprocess.Popen(self.args.worker.split(), stdout=log, stderr=subprocess.STDOUT)
        if self.args.worker_pid_file:
            with open(self.args.worker_pid_file, "w") as file:
                file.write(str(self.worker.pid))

    def stop_worker(self):
        if self.worker is None:
            return
        self.worker.terminate()
        try:
            self.worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.worker.wait()

    def wait(self, condition, what, timeout=15):
        # The run page swaps its live part as the run goes: an element found a moment ago may be gone.
        ignored = (NoSuchElementException, StaleElementReferenceException)
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(condition)
        except TimeoutException:
            raise CheckFailed(f"timed out after {timeout:g} s waiting for {what} (at {self.driver.current_url})") from None

    def css(self, selector, timeout=15):
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, selector)), f"'{selector}'", timeout)

    def attribute_is(self, selector, name, value, timeout=15):
        """Waits until the element's attribute has the value (the live part may still be catching up)."""
        def check(driver):
            return driver.find_element(By.CSS_SELECTOR, selector).get_attribute(name) == value
        self.wait(check, f"{selector} to have {name}={value!r}", timeout)

    def click(self, selector, what):
        """Clicks once the element is there and enabled; finding and clicking again if a refresh replaced it."""
        def attempt(driver):
            element = driver.find_element(By.CSS_SELECTOR, selector)
            if not element.is_enabled():
                return False
            element.click()
            return True
        self.wait(attempt, what)

    def screenshot(self, name):
        path = os.path.join(self.args.out, f"{name}.png")
        # The whole page, not just the window.
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1400, max(1000, min(height + 40, 6000)))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1400, 1000)
        print(f"  screenshot {path}")

    def check(self, condition, message):
        if not condition:
            raise CheckFailed(message)

    def console_errors(self):
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def run(self):
        self.login()
        self.overview()
        run_id = self.start_run()
        self.cancel_and_retry(run_id)
        self.watch_run(run_id)
        self.logs()
        self.plots()
        self.runs_list(run_id)
        again_id = self.run_again(run_id)
        self.compare(run_id, again_id)
        self.sweep_compare_run_again(run_id)
        self.datasets(run_id)
        self.live_tail()
        failed_id = self.failure_triage()
        self.events_paging(failed_id)
        self.theme_toggle(run_id)
        self.every_screen(run_id, failed_id)
        self.api_docs()
        errors = self.console_errors()
        self.check(not errors, f"the browser console has errors: {errors}")

    def login(self):
        print("login")
        self.driver.get(self.base + "/")
        self.wait(EC.url_contains("/login"), "the redirect to /login")
        self.css("#login-token").send_keys(self.args.token)
        self.screenshot("login")
        self.css("#login-submit").click()
        self.css("#stat-runs")
        cookies = self.driver.execute_script("return document.cookie")
        self.check("flowrun_csrf=" in cookies, "the CSRF cookie is not readable by the page")
        self.check("flowrun_token" not in cookies, "the token cookie is readable by scripts (must be HttpOnly)")

    def overview(self):
        print("overview")
        self.check(self.driver.find_element(By.CSS_SELECTOR, "nav.top a[aria-current]").text == "Overview", "Overview is not the current nav entry")
        # The stylesheet is a file under a hashed name, allowed by style-src 'self'.
        nav = self.driver.execute_script("return getComputedStyle(document.querySelector('nav.top')).backgroundColor")
        self.check(nav == "rgb(16, 42, 67)", f"the dashboard's stylesheet did not apply (nav background {nav})")
        self.screenshot("overview")

    def start_run(self):
        print("workflow page: run form")
        self.css("nav.top a[data-nav=workflows]").click()
        self.css("#workflows-table tr[data-workflow='exam-pipeline'] a").click()
        form = self.css("#run-form[data-workflow='exam-pipeline']")
        dataset = Select(form.find_element(By.ID, "run-dataset"))
        dataset.select_by_value(self.args.dataset)
        Select(form.find_element(By.CSS_SELECTOR, "select[data-param='model_type']")).select_by_visible_text("logistic")
        window = form.find_element(By.CSS_SELECTOR, "input[data-param='window']")
        self.check(window.get_attribute("value") == "50", f"the window param does not show its default 50: {window.get_attribute('value')!r}")
        self.screenshot("workflow")
        form.find_element(By.ID, "run-submit").click()
        self.wait(EC.url_matches(r"/runs/[^/]+$"), "the new run's page")
        page = self.css("#run-page")
        run_id = page.get_attribute("data-run")
        self.check(self.driver.current_url.endswith("/runs/" + run_id), f"landed on {self.driver.current_url}, not run {run_id}")
        print(f"  run {run_id}")
        return run_id

    def state_is(self, wanted):
        def check(driver):
            state = driver.find_element(By.ID, "run-state").get_attribute("data-state")
            return state if state in wanted else False
        return check

    def cancel_and_retry(self, run_id):
        print("run page: cancel and retry while no worker runs")
        # A reload would drop this mark; it is checked once the run succeeded.
        self.driver.execute_script("window.flowrunNoReload = true")
        self.attribute_is("#run-state", "data-state", "queued")
        self.attribute_is("#dag g.dag-node[data-step='preprocess']", "data-state", "ready")
        self.attribute_is("#retry-run", "disabled", "true")
        self.click("#cancel-run", "Cancel to be enabled")
        self.wait(self.state_is(("canceled",)), f"run {run_id} to show canceled")
        self.attribute_is("#dag g.dag-node[data-step='evaluate']", "data-state", "canceled")
        self.screenshot("run-canceled")
        self.click("#retry-run", "Retry to be enabled")
        self.wait(self.state_is(("queued", "running")), f"run {run_id} to be queued again after Retry")
        error = self.driver.find_element(By.ID, "action-error")
        self.check(error.get_attribute("hidden") is not None, f"Cancel/Retry showed an error: {error.text}")

    def watch_run(self, run_id):
        print("run page: starting a worker, waiting for the run to succeed without reloading")
        self.start_worker()

        state = self.wait(self.state_is(FINISHED), f"run {run_id} to finish (worker log: {self.args.out}/worker.log)", timeout=self.args.run_timeout)
        if state != "succeeded":
            error = self.driver.find_elements(By.ID, "run-error")
            raise CheckFailed(f"run {run_id} ended {state}" + (f": {error[0].text}" if error else ""))
        # One read of the page, so that a last refresh of the live part cannot interleave.
        page = self.driver.execute_script("""
            const q = selector => document.querySelector(selector);
            return {
                noReload: window.flowrunNoReload === true,
                attempts: q("#steps-table tr[data-step='preprocess'] td.num").textContent,
                nodes: Object.fromEntries(Array.from(document.querySelectorAll('#dag g.dag-node')).map(n => [n.dataset.step, n.dataset.state])),
                bars: document.querySelectorAll('#timeline rect.bar').length,
                accuracy: q("#metrics-table tr[data-metric='evaluate.accuracy'] td.num")?.textContent,
                buttonsDisabled: q('#retry-run').disabled && q('#cancel-run').disabled,
            };
        """)
        self.check(page["noReload"], "the run page reloaded instead of updating live")
        self.check(page["nodes"] == {"preprocess": "succeeded", "train": "succeeded", "evaluate": "succeeded"}, f"graph nodes: {page['nodes']}")
        self.check(page["attempts"].startswith("1 /"), f"preprocess shows attempts {page['attempts']}, not 1 (canceled steps never started)")
        self.check(page["bars"] == 3, f"the timeline has {page['bars']} bars, not one per step")
        self.check(page["accuracy"], "the metrics table has no evaluate.accuracy")
        self.check(page["buttonsDisabled"], "Cancel/Retry are enabled on a succeeded run")
        print(f"  succeeded; evaluate.accuracy = {page['accuracy']}")
        self.screenshot("run")

    def logs(self):
        print("logs")
        tab = self.css("#log-tabs button[data-log-step='preprocess']")
        self.driver.execute_script("arguments[0].scrollIntoView()", tab)
        tab.click()

        def has_lines(driver):
            view = driver.find_element(By.ID, "log-lines")
            return view.get_attribute("data-step") == "preprocess" and view.text.strip() != ""

        self.wait(has_lines, "the preprocess log's lines")
        text = self.driver.find_element(By.ID, "log-lines").text
        self.check(re.search(r"\S", text), "the log view is empty")
        print(f"  first log line: {text.splitlines()[0][:100]}")
        self.screenshot("logs")

    def plots(self):
        print("plots")
        loaded = """
            const images = Array.from(document.querySelectorAll('img.plot'));
            return images.length >= 3 && images.every(i => i.complete && i.naturalWidth > 0)
                ? images.map(i => i.dataset.plot) : false;
        """
        names = self.wait(lambda driver: driver.execute_script(loaded), "the plots (img of SVG artifacts) to load")
        for expected in ("confusion_matrix.svg", "roc_curve.svg"):
            self.check(any(name.endswith(expected) for name in names), f"no {expected} among the plots {names}")
        print(f"  loaded {', '.join(names)}")

    def runs_list(self, run_id):
        print("runs list")
        self.css("nav.top a[data-nav=runs]").click()
        row = self.css(f"#runs-table tr[data-run='{run_id}']")
        self.check(row.get_attribute("data-state") == "succeeded", f"the runs list shows run {run_id} as {row.get_attribute('data-state')}")
        self.check("exam-pipeline" in row.text, "the run's row does not name its workflow")
        self.screenshot("runs")

    def run_again(self, run_id):
        print("run page: Run again → the Run form filled with the run's params → a new run")
        self.driver.get(f"{self.base}/runs/{run_id}")
        self.click("#run-again", "Run again")
        form = self.css("#run-form[data-workflow='exam-pipeline']")
        self.css("#run-again-note")
        model = Select(form.find_element(By.CSS_SELECTOR, "select[data-param='model_type']"))
        self.check(model.first_selected_option.text == "logistic", f"Run again's form shows model_type {model.first_selected_option.text!r}, not the run's logistic")
        dataset = Select(form.find_element(By.ID, "run-dataset")).first_selected_option.get_attribute("value")
        self.check(dataset == self.args.dataset, f"Run again's form has dataset {dataset!r}, not the run's {self.args.dataset}")
        model.select_by_visible_text("gradient_boosting")
        self.screenshot("run-again-form")
        form.find_element(By.ID, "run-submit").click()
        self.wait(lambda driver: re.search(r"/runs/[^/]+$", driver.current_url) and run_id not in driver.current_url, "the new run's page")
        again_id = self.css("#run-page").get_attribute("data-run")
        self.check(again_id != run_id, "Run again did not make a new run")
        state = self.wait(self.state_is(FINISHED), f"run {again_id} to finish", timeout=self.args.run_timeout)
        self.check(state == "succeeded", f"the run made by Run again ended {state}")
        self.attribute_is("#steps-table tr[data-step='preprocess']", "data-state", "cached")
        self.attribute_is("#steps-table tr[data-step='train']", "data-state", "succeeded")
        print(f"  run {again_id}: preprocess cached, train ran")
        return again_id

    def compare(self, first, second):
        print("runs table: tick two runs → the compare page")
        self.driver.get(f"{self.base}/runs?workflow=exam-pipeline&metric=accuracy")
        self.css("#runs-table th.param")
        for run in (first, second):
            box = self.css(f"#runs-table tr[data-run='{run}'] input[type=checkbox]")
            self.driver.execute_script("arguments[0].scrollIntoView()", box)
            box.click()
        self.screenshot("runs-experiments")
        self.click("#compare-selected", "Compare selected runs")
        self.wait(EC.url_contains("/compare?"), "the compare page")
        columns = [th.get_attribute("data-run") for th in self.driver.find_elements(By.CSS_SELECTOR, "#compare-table thead th[data-run]")]
        self.check(sorted(columns) == sorted([first, second]), f"the compare page shows runs {columns}, not {first} and {second}")
        row = self.css("#compare-params tr[data-param='model_type']")
        self.check("logistic" in row.text and "gradient_boosting" in row.text, f"the params diff row reads {row.text!r}")
        accuracy = self.css("#compare-model tr[data-metric='evaluate.accuracy']")
        self.check(accuracy.find_elements(By.CSS_SELECTOR, "td.best"), "no accuracy value is marked best")
        loaded = """
            const images = Array.from(document.querySelectorAll('#compare-plots img.plot'));
            return images.length >= 4 && images.every(i => i.complete && i.naturalWidth > 0) ? images.length : false;
        """
        count = self.wait(lambda driver: driver.execute_script(loaded), "both runs' ROC curves and confusion matrices to load")
        print(f"  {len(columns)} runs, model_type differs, {count} plots side by side")
        self.screenshot("compare")

    def sweep_compare_run_again(self, pipeline_run):
        print("sweep → compare → run again (workflows/exam-sweep.yaml)")
        self.driver.get(f"{self.base}/workflows/exam-sweep")
        form = self.css("#run-form[data-workflow='exam-sweep']")
        Select(form.find_element(By.ID, "run-dataset")).select_by_value(self.args.dataset)
        form.find_element(By.ID, "run-submit").click()
        self.wait(EC.url_matches(r"/runs/[^/]+$"), "the sweep run's page")
        sweep_id = self.css("#run-page").get_attribute("data-run")
        state = self.wait(self.state_is(FINISHED), f"sweep run {sweep_id} to finish", timeout=self.args.run_timeout * 2)
        self.check(state == "succeeded", f"the sweep run ended {state}")
        self.driver.get(f"{self.base}/compare?runs={sweep_id}&runs={pipeline_run}&metric=accuracy")
        columns = [th.get_attribute("data-run") for th in self.driver.find_elements(By.CSS_SELECTOR, "#compare-table thead th[data-run]")]
        self.check(sorted(columns) == sorted([sweep_id, pipeline_run]), f"the compare page shows {columns}")
        instances = self.driver.find_elements(By.CSS_SELECTOR, "#compare-model tr[data-metric^='evaluate[']")
        self.check(instances, "the compare page has no metric of the sweep's evaluate instances")
        self.screenshot("compare-sweep")
        self.driver.get(f"{self.base}/runs/{sweep_id}")
        self.click("#run-again", "Run again on the sweep run")
        form = self.css("#run-form[data-workflow='exam-sweep']")
        self.css("#run-again-note")
        dataset = Select(form.find_element(By.ID, "run-dataset")).first_selected_option.get_attribute("value")
        self.check(dataset == self.args.dataset, f"Run again's form has dataset {dataset!r}")
        form.find_element(By.ID, "run-submit").click()
        self.wait(lambda driver: re.search(r"/runs/[^/]+$", driver.current_url) and sweep_id not in driver.current_url, "the sweep's new run")
        again_id = self.css("#run-page").get_attribute("data-run")
        state = self.wait(self.state_is(FINISHED), f"run {again_id} to finish", timeout=self.args.run_timeout)
        self.check(state == "succeeded", f"the sweep's rerun ended {state}")
        cached = self.driver.find_elements(By.CSS_SELECTOR, "#steps-table tr[data-state='cached']")
        self.check(cached, "the sweep's rerun with the same params reused no step")
        print(f"  sweep {sweep_id} compared with {pipeline_run}; run again {again_id}: {len(cached)} steps cached")

    def datasets(self, run_id):
        print("dataset page and overview chart")
        self.css("nav.top a[data-nav=datasets]").click()
        self.css(f"#datasets-table tr[data-dataset='{self.args.dataset}'] a").click()
        self.css(f"#dataset-runs-table tr[data-run='{run_id}']")
        self.screenshot("dataset")
        self.css("nav.top a[data-nav=overview]").click()
        self.css(f"#recent-runs-table tr[data-run='{run_id}']")
        self.css("#metric-chart circle.chart-dot")
        self.screenshot("overview-after")


    def live_tail(self):
        print("live log tail (the ticker workflow writes a line every 0.4 s)")
        self.css("nav.top a[data-nav=workflows]").click()
        self.css("#workflows-table tr[data-workflow='ticker'] a").click()
        self.css("#run-form[data-workflow='ticker'] #run-submit").click()
        self.wait(EC.url_matches(r"/runs/[^/]+$"), "the ticker run's page")
        read = """
            const view = document.getElementById('log-lines');
            return {step: view.dataset.step, text: view.textContent};
        """

        def early_ticks(driver):
            log = driver.execute_script(read)
            return log if log["step"] == "tick" and "tick 3\n" in log["text"] else False

        log = self.wait(early_ticks, "the tick step's first lines in the log view", timeout=30)
        self.check("tick 12\n" not in log["text"], "the log view got the tick step's lines only at the end, not as they were written")
        self.wait(self.state_is(("succeeded",)), "the ticker run to succeed", timeout=60)
        self.wait(lambda driver: "tick 12\n" in driver.execute_script(read)["text"], "the last tick to be appended to the log view")
        self.screenshot("live-tail")

    def failure_triage(self):
        print("failure triage: a failed run shows its cause at the top, without a click")
        self.css("nav.top a[data-nav=workflows]").click()
        self.css("#workflows-table tr[data-workflow='broken'] a").click()
        self.css("#run-form[data-workflow='broken'] #run-submit").click()
        self.wait(EC.url_matches(r"/runs/[^/]+$"), "the broken run's page")
        run_id = self.css("#run-page").get_attribute("data-run")
        self.wait(self.state_is(("failed",)), f"run {run_id} to fail", timeout=60)
        # A fresh load, as someone arriving from a link: nothing clicked, nothing scrolled.
        self.driver.get(f"{self.base}/runs/{run_id}")
        cause = "ValueError: column 'sensor_7' is empty (attempt 2)"
        top = self.driver.execute_script("""
            const excerpt = document.querySelector('#failures pre.excerpt');
            if (!excerpt) return null;
            const box = excerpt.getBoundingClientRect();
            const cause = excerpt.querySelector('.cause-line').getBoundingClientRect();
            return {text: excerpt.textContent, top: box.top, bottom: box.bottom, height: innerHeight,
                    causeShown: cause.top >= box.top && cause.bottom <= box.bottom + 1, cause: excerpt.querySelector('.cause-line').textContent,
                    error: document.querySelector('#failures .failure-error').textContent};
        """)
        self.check(top is not None, "the failed run's page has no excerpt under 'Why it failed'")
        self.check(top["text"].splitlines()[-1] == cause, f"the excerpt does not end with the cause: {top['text'][-200:]!r}")
        self.check(top["bottom"] <= top["height"], f"the cause is below the first screen (bottom {top['bottom']} of {top['height']} px)")
        self.check(top["cause"] == cause and top["causeShown"], "the cause line is not marked or is scrolled out of the excerpt's box")
        self.check(top["error"] == "/bin/sh exited with status 3", f"the failure names {top['error']!r}")
        print(f"  the first screen shows: {cause}")

        # The log panel opened on the failed step's latest attempt, by itself.
        self.attribute_is("#log-lines", "data-step", "check")
        self.attribute_is("#log-lines", "data-attempt", "2")
        self.wait(lambda d: cause in d.find_element(By.ID, "log-lines").text, "the failed step's log lines")
        self.screenshot("run-failed")

        # Earlier attempts: one button each.
        buttons = self.driver.find_elements(By.CSS_SELECTOR, "#log-attempts button[data-log-attempt]")
        self.check([b.text for b in buttons] == ["1", "2"], f"attempt buttons: {[b.text for b in buttons]}")
        self.driver.execute_script("arguments[0].scrollIntoView()", buttons[0])
        buttons[0].click()
        self.wait(lambda d: "attempt 1 checking file 30" in d.find_element(By.ID, "log-lines").text, "attempt 1's log")
        self.check("(attempt 2)" not in self.driver.find_element(By.ID, "log-lines").text, "attempt 1's log shows attempt 2's lines")

        # Search within the step's log: only matching lines stay.
        search = self.css("#log-search")
        search.send_keys("is empty (attempt 1)")
        self.wait(lambda d: d.find_element(By.ID, "log-lines").text.strip().count("\n") == 0, "the search to leave one line")
        self.check("ValueError" in self.css("#log-lines").text, "the search hid the matching line")
        self.check(self.css("#log-matches").text.startswith("1 of "), f"match count: {self.css('#log-matches').text!r}")
        search.clear()
        search.send_keys(" ")  # an input event after clear(), which sends none

        # Download: the whole file of the attempt shown, as a plain-text attachment.
        href = self.css("#log-download").get_attribute("href")
        self.check(href.endswith(f"/runs/{run_id}/log?step=check&attempt=1"), f"download link {href}")
        got = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done({
                status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
                text: await r.text()})).catch(e => done({status: 0, text: String(e)}));
        """, href)
        self.check(got["status"] == 200, f"download answered {got['status']}")
        self.check(got["disposition"] == f'attachment; filename="{run_id}-check.1.log"', f"download disposition {got['disposition']}")
        self.check(got["type"].startswith("text/plain"), f"download type {got['type']}")
        self.check(got["text"].count("attempt 1 checking file") == 30, "the download is not the whole log (30 checked files)")

        # The runs table says why in one line.
        self.css("nav.top a[data-nav=runs]").click()
        cell = self.css(f"#runs-table tr[data-run='{run_id}'] td.cause")
        self.check(cell.text.startswith(cause), f"the runs table's cause: {cell.text!r}")
        return run_id

    def events_paging(self, run_id):
        print("events: the newest 25 show, 'Show all' the rest")
        self.driver.get(f"{self.base}/runs/{run_id}")
        counts = """
            const rows = Array.from(document.querySelectorAll('#events-table tbody tr'));
            return {all: rows.length, shown: rows.filter(r => r.getClientRects().length > 0).length,
                    toggle: !!document.getElementById('events-toggle')};
        """
        before = self.driver.execute_script(counts)
        self.check(before["toggle"], f"the broken run's events have no 'Show all': {before}")
        self.check(before["shown"] == 25 and before["all"] > 25, f"before 'Show all': {before}")
        self.driver.execute_script("arguments[0].scrollIntoView()", self.css("#events-toggle"))
        self.click("#events-toggle", "'Show all'")
        self.wait(lambda d: (lambda n: n["shown"] == n["all"])(d.execute_script(counts)), "every event to show after 'Show all'")
        after = self.driver.execute_script(counts)
        print(f"  {after['all']} events, all shown after the click")

    def theme_toggle(self, run_id):
        print("theme: the toggle switches and is remembered")
        self.driver.get(f"{self.base}/runs/{run_id}")
        body = "return getComputedStyle(document.body).backgroundColor"
        light = self.driver.execute_script(body)
        self.css("#theme-toggle").click()
        self.check(self.driver.execute_script("return document.documentElement.dataset.theme") == "dark", "the toggle did not switch to dark")
        dark = self.driver.execute_script(body)
        self.check(dark != light, f"the background stayed {light} in dark")
        self.driver.get(f"{self.base}/runs")
        self.check(self.driver.execute_script(body) == dark, "the dark choice was not remembered on the next page")
        self.css("#theme-toggle").click()
        self.check(self.driver.execute_script(body) == light, "the toggle did not switch back to light")
        self.driver.execute_script("localStorage.removeItem('flowrun-theme')")

    SCREENS = {"phone": (390, 844, True), "desktop": (1440, 900, False)}

    def every_screen(self, run_id, failed_id):
        print("every page at 390×844 and 1440×900, light and dark (test-output: screens/)")
        pages = {
            "overview": "/", "runs": "/runs", "run": f"/runs/{run_id}", "run-failed": f"/runs/{failed_id}",
            "workflows": "/workflows", "workflow": "/workflows/exam-pipeline", "datasets": "/datasets",
            "dataset": f"/datasets/{self.args.dataset}", "api-docs": "/api/docs",
        }
        folder = os.path.join(self.args.out, "screens")
        os.makedirs(folder, exist_ok=True)
        wide = []
        try:
            for theme in ("light", "dark"):
                self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]})
                for screen, (width, height, mobile) in self.SCREENS.items():
                    self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
                    for name, path in pages.items():
                        self.driver.get(self.base + path)
                        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{path} to load")
                        if name == "api-docs":
                            self.css("#ops details.op")
                        size = self.driver.execute_script(
                            "return {scroll: document.documentElement.scrollWidth, inner: innerWidth, "
                            "dark: matchMedia('(prefers-color-scheme: dark)').matches}")
                        self.check(size["dark"] == (theme == "dark"), f"{path}: the emulated theme did not apply")
                        if name == "run-failed":
                            cause = self.driver.execute_script(
                                "const c = document.querySelector('#failures .cause-line'); return c && c.getBoundingClientRect().bottom")
                            self.check(cause is not None and cause <= height,
                                       f"{screen} ({theme}): the failure's cause line is not on the first screen (bottom {cause} of {height} px)")
                        if screen == "phone" and size["scroll"] > size["inner"]:
                            wide.append(f"{path} ({theme}): {size['scroll']} px wide in a {size['inner']} px window")
                        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
                        with open(os.path.join(folder, f"{name}-{screen}-{theme}.png"), "wb") as file:
                            file.write(base64.b64decode(shot["data"]))
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        self.check(not wide, "pages scroll sideways on a phone: " + "; ".join(wide))
        print(f"  {len(pages) * 4} screenshots; no page wider than 390 px")

    def api_docs(self):
        print("API docs page (its script and style are files under the strict Content-Security-Policy)")
        self.driver.get(self.base + "/api/docs")
        # The script ran: it read /api/openapi.json and listed the operations.
        self.css("#ops details.op")
        self.check(self.css("#version").text.startswith("v"), "the docs page shows no version")
        back = self.css("#back-to-dashboard").get_attribute("href")
        self.check(back == self.base + "/", f"the docs page's way back goes to {back}")
        icon = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(document.querySelector('link[rel=icon]').href).then(r => done([r.status, r.headers.get('content-type')]));
        """)
        self.check(icon == [200, "image/svg+xml"], f"the favicon answered {icon}")
        header = self.driver.execute_script("return getComputedStyle(document.querySelector('header')).backgroundColor")
        self.check(header == "rgb(29, 35, 48)", f"the docs page's stylesheet did not apply (header background {header})")
        self.screenshot("api-docs")


def main():
    args = parse_args()
    try:
        driver = make_driver(args)
    except WebDriverException as error:
        print(f"FAIL: could not start Chromium through {args.chromedriver}: {error.msg}", file=sys.stderr)
        return 1
    test = DashboardTest(driver, args)
    try:
        test.run()
    except (CheckFailed, WebDriverException) as error:
        message = str(error) if isinstance(error, CheckFailed) else f"{type(error).__name__}: {error.msg}"
        try:
            test.screenshot("failure")
            for line in test.console_errors():
                print(f"  browser console: {line}", file=sys.stderr)
        except WebDriverException:
            pass
        print(f"FAIL: {message}", file=sys.stderr)
        return 1
    finally:
        driver.quit()
        test.stop_worker()
    print("dashboard browser test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
