"""Where Chromium is and how it is started, for the browser tests and the browser benchmark."""

import os

CHROMIUM = os.environ.get("CLUSTERLAB_CHROMIUM", "/usr/bin/chromium")
# The background-networking flags matter here: without them Chromium phones home at
# start-up, and on a machine without internet those refused connections are noisy.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
