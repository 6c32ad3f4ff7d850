#!/usr/bin/env bash
# Starts the real (debug) binary in a window under Xvfb with the built-in
# local store, checks that it stays up and draws something, and keeps a
# screenshot in target/ci/window.png.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --bin picbucket
out=target/ci
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill "${app:-}" "${xvfb:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

applog() { cat "$out/app.log" "$work/data/picbucket/picbucket.log" 2>/dev/null || true; }

display=:97
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
sleep 1

# A fresh user: no config (built-in store), data and window state in $work.
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 RUST_LOG=picbucket=info \
  target/debug/picbucket >"$out/app.log" 2>&1 &
app=$!

for _ in $(seq 1 30); do
  if DISPLAY="$display" xdotool search --name '^picbucket$' >/dev/null 2>&1; then break; fi
  kill -0 "$app" 2>/dev/null || { echo "the app exited early:"; applog; exit 1; }
  sleep 1
done
sleep 4
if ! kill -0 "$app" 2>/dev/null; then
  echo "the app exited:"; applog; exit 1
fi
DISPLAY="$display" xdotool search --name '^picbucket$' >/dev/null || { echo "no picbucket window"; applog; exit 1; }

DISPLAY="$display" xwd -root -silent >"$out/window.xwd"
if convert -version 2>/dev/null | grep -q ImageMagick; then
  convert "xwd:$out/window.xwd" "$out/window.png"
  spread=$(convert "$out/window.png" -format '%[fx:standard_deviation]' info:)
  echo "screenshot: $out/window.png (pixel standard deviation $spread)"
  awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || { echo "the screen looks blank"; exit 1; }
fi
cp "$work/data/picbucket/picbucket.log" "$out/picbucket.log" 2>/dev/null || true
echo "window smoke test passed: the app stayed up and rendered"
