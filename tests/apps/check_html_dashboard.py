#!/usr/bin/python3
"""The dashboard page (tpssim run --html) in a real browser: Debian's headless Chromium driven by
python3-selenium through chromium-driver.

Writes the page of the holiday-weekend exam's first 2.5 hours (the downstream slowdown at 15:00,
its alert, the operator's timeout cut, the breaker that opens, the node crash at 16:00), opens
it, and checks: it loads with no console error and no network request (only the file itself);
each of the seven panels has a chart with data; screenshots of the page and of each panel are
not blank (pixel variance); zooming one panel (dygraph updateOptions dateWindow) zooms every
other chart to the same window. First paint is measured and printed, not asserted.

usage: check_html_dashboard.py TPSSIM_EXECUTABLE SOURCE_DIR [PAGE]
PAGE: check that page instead (bench/README.md measures the whole weekend's first paint so).
Exit 0 passed, 1 failed, 77 skipped (no chromium or chromedriver on this machine).
"""
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
PANELS = ["breakers", "queue_depth", "utilization", "error_rate", "latency", "throughput",
          "resources"]


def fail(message):
    print(f"check_html_dashboard: FAILED: {message}")
    sys.exit(1)


def pixel_stddev(png):
    from PIL import Image, ImageStat
    image = Image.open(io.BytesIO(png)).convert("L")
    return ImageStat.Stat(image).stddev[0]


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__)
        return 2
    tpssim, source = sys.argv[1], sys.argv[2]
    given_page = os.path.abspath(sys.argv[3]) if len(sys.argv) == 4 else None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        print("check_html_dashboard: SKIPPED: chromium or chromedriver is not installed "
              "(apt install chromium chromium-driver python3-selenium; scripts/install-deps.sh)")
        return SKIP
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="tpssim-html-") as tmp:
        page = given_page or os.path.join(tmp, "weekend.html")
        if not given_page:
            ran = subprocess.run(
                [tpssim, "run", "scenarios/exams/level3-holiday-weekend.yaml", "--until", "2h30m",
                 "--quiet", "--html", page], cwd=source, capture_output=True, text=True)
            # 1: some of the exam's checks look past 2.5 h and fail; the page is written anyway.
            if ran.returncode not in (0, 1):
                fail(f"tpssim exited {ran.returncode}: {ran.stderr}")
        print(f"page: {os.path.getsize(page) / 1024:.0f} KiB")

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1400,1000", "--no-first-run", "--disable-extensions"]:
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            url = "file://" + page
            driver.get(url)
            deadline = time.monotonic() + 20
            while not driver.execute_script("return !!(window.tpssim && window.tpssim.all)"):
                if time.monotonic() > deadline:
                    fail("the page's script never finished (window.tpssim is not set)")
                time.sleep(0.1)

            paint = driver.execute_script(
                "var e = performance.getEntriesByName('first-contentful-paint')[0];"
                "return e ? e.startTime : null;")
            drawn = driver.execute_script("return window.tpssim.drawn_ms;")
            print(f"first contentful paint: {paint:.0f} ms" if paint is not None
                  else "first contentful paint: not reported")
            print(f"every chart, waterfall and table drawn: {drawn:.0f} ms")
            marks = driver.execute_script(
                "return performance.getEntriesByType('mark').map(function (m) {"
                "  return [m.name, m.startTime]; });")
            print("  " + ", ".join(f"{name[7:]} {t:.0f} ms" for name, t in marks
                                   if name.startswith("tpssim-")))

            # No console error.
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            if errors:
                fail("console errors: " + "; ".join(e["message"] for e in errors))

            # No network request but the file itself.
            requests = []
            for entry in driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                if message["method"] == "Network.requestWillBeSent":
                    requests.append(message["params"]["request"]["url"])
            others = [u for u in requests if u != url and not u.startswith("data:")]
            if others:
                fail("network requests: " + ", ".join(others[:5]))

            # Every panel has a chart with data.
            counts = driver.execute_script("""
                var out = {};
                Object.keys(window.tpssim.charts).forEach(function (id) {
                  var g = window.tpssim.charts[id], n = 0;
                  for (var r = 0; r < g.numRows(); r++)
                    for (var c = 1; c < g.numColumns(); c++) {
                      var v = g.getValue(r, c);
                      if (v !== null && !(Array.isArray(v) && v[1] === null)) n++;
                    }
                  out[id] = n;
                });
                return out;""")
            for panel in PANELS:
                if not counts.get(panel):
                    fail(f"panel {panel} has no data ({counts})")
            print("points per panel: " + ", ".join(f"{p} {counts[p]}" for p in PANELS))

            # Not blank: the page, and each panel's chart.
            page_stddev = pixel_stddev(driver.get_screenshot_as_png())
            if page_stddev < 5:
                fail(f"the page's screenshot is blank (pixel stddev {page_stddev:.1f})")
            for panel in PANELS:
                element = driver.find_element("css selector", f"#panel-{panel} .chart")
                driver.execute_script("arguments[0].scrollIntoView()", element)
                stddev = pixel_stddev(element.screenshot_as_png)
                if stddev < 5:
                    fail(f"panel {panel}'s screenshot is blank (pixel stddev {stddev:.1f})")

            # Zoom one panel: every chart follows.
            result = driver.execute_script("""
                var t = window.tpssim, g = t.charts.latency, r = g.xAxisRange();
                var w = [r[0] + (r[1] - r[0]) * 0.25, r[0] + (r[1] - r[0]) * 0.5];
                g.updateOptions({dateWindow: w});
                return {window: w, ranges: t.all.map(function (c) { return c.xAxisRange(); })};""")
            want = result["window"]
            for r in result["ranges"]:
                if abs(r[0] - want[0]) > 1 or abs(r[1] - want[1]) > 1:
                    fail(f"zooming the latency panel to {want} left a chart at {r}")
            print(f"zoom: {len(result['ranges'])} charts followed the latency panel")
        finally:
            driver.quit()
    print("check_html_dashboard: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
