#!/usr/bin/env python3
"""Drives the web agent page of a running `callhook run` in headless Chromium.

Usage: agent_browser.py URL SCREENSHOT_DIR RESTART_FILE VIP_CALL OTHER_CALL SECOND_CALL

URL is http://127.0.0.1:PORT/agent#token=... for extension 100. The script
  1. waits for the VIP ring (VIP_CALL): name, class `vip`, ringtone `vip`;
  2. clicks "Enable sound" and expects body[data-audio=running], saves a
     screenshot (vip-ringing.png);
  3. waits for the answer (state back to idle), and checks that OTHER_CALL
     (a call to 101) never showed;
  4. prints "RESTART" and waits for RESTART_FILE (the test restarts the
     daemon on the same port meanwhile); expects the page to go offline or
     reconnect and ring again for SECOND_CALL; saves after-restart.png.
Exit status 0 when all held; 1 with a message on stderr otherwise.
Chromium runs headless and only ever reaches the loopback address.
"""

import os
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(message):
    print("agent_browser: " + message, file=sys.stderr)
    sys.exit(1)


def browser(scratch):
    """Chromium with its profile and its temporary files (the process
    singleton's socket directory) in `scratch`, which the caller removes."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--window-size=900,700",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ]:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + os.path.join(scratch, "profile"))
    env = dict(os.environ, TMPDIR=scratch)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver", env=env), options=options)


def main():
    if len(sys.argv) != 7:
        fail(__doc__)
    url, shots, restart_file, vip_call, other_call, second_call = sys.argv[1:]
    scratch = tempfile.mkdtemp(prefix="callhook-agent-browser-")
    try:
        run(scratch, url, shots, restart_file, vip_call, other_call, second_call)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(scratch, url, shots, restart_file, vip_call, other_call, second_call):
    driver = browser(scratch)
    seen_calls = set()

    def state(selector, attribute):
        return driver.find_element(By.CSS_SELECTOR, selector).get_attribute(attribute) or ""

    def wait(what, condition, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            call = state("#card", "data-call")
            if call:
                seen_calls.add(call)
            if condition():
                return
            time.sleep(0.05)
        fail("timed out waiting for " + what + " (body state " + state("body", "data-state") + ")")

    try:
        driver.get(url)
        wait("the VIP ring", lambda: state("body", "data-state") == "ringing" and state("#card", "data-call") == vip_call)
        name = driver.find_element(By.ID, "name").text
        if name != "Anna Alt":
            fail("the card shows the name %r, expected 'Anna Alt'" % name)
        if state("#card", "data-class") != "vip" or driver.find_element(By.ID, "class").text != "vip":
            fail("the card's class is not vip")
        if state("body", "data-ringtone") != "vip" or state("#card", "data-ringtone") != "vip":
            fail("the ringtone is not vip")
        if state("body", "data-audio") != "suspended":
            fail("sound runs before the enable-sound click")
        driver.set_window_size(390, 800)
        driver.save_screenshot(os.path.join(shots, "vip-ringing-phone.png"))
        driver.set_window_size(900, 700)
        driver.find_element(By.ID, "sound").click()
        wait("sound to run after the click", lambda: state("body", "data-audio") == "running", timeout=15)
        driver.save_screenshot(os.path.join(shots, "vip-ringing.png"))
        print("RINGING", flush=True)
        wait("the answer to stop the ring", lambda: state("body", "data-state") == "idle")
        if state("body", "data-ringtone") != "":
            fail("the ringtone is still set after the answer")
        if other_call in seen_calls:
            fail("a call to extension 101 showed on extension 100's page")
        print("RESTART", flush=True)
        wait("the daemon's restart", lambda: os.path.exists(restart_file), timeout=90)
        wait(
            "the ring after the restart",
            lambda: state("body", "data-state") == "ringing" and state("#card", "data-call") == second_call,
            timeout=90)
        driver.save_screenshot(os.path.join(shots, "after-restart.png"))
        if other_call in seen_calls:
            fail("a call to extension 101 showed on extension 100's page")
        print("DONE", flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
