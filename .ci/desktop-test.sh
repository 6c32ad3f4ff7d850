#!/usr/bin/env bash
# The app on a desktop, for real: Xvfb, a D-Bus session (dbus-run-session)
# with a notification server (dunst) and a stand-in tray host, and the debug
# binary with the built-in store and a fresh user.
#
# 1. The window is closed: it hides in the tray, the app keeps running.
# 2. A ~1 MB PNG goes on the X clipboard (xclip), Ctrl+Shift+U is pressed
#    (xdotool) while the window is hidden; then two image files copied as a
#    file manager does (text/uri-list), the same shortcut.
# 3. Checks: one object stored, a link on the clipboard that serves a PNG of
#    the same size, a notification shown, the tray item on the session bus,
#    its Activate showing the window again, and its menu's Quit ending the
#    app while the window is hidden; `picbucket FILE` with the window in the
#    tray hands the file over and shows the window.
# Prints the time from the key press to the link on the clipboard, and the
# app's CPU time and RSS while it sits in the tray.
set -euo pipefail
cd "$(dirname "$0")/.."
here=.ci/desktop

if [ "${1:-}" != "--in-session" ]; then
  # PICBUCKET_BIN=target/release/picbucket measures a release build instead.
  [ -n "${PICBUCKET_BIN:-}" ] || cargo build --locked --bin picbucket
  exec dbus-run-session -- "$0" --in-session
fi

out=target/ci/desktop
mkdir -p "$out"
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "desktop test FAILED: $*"; cat "$out/app.log" "$work/data/picbucket/picbucket.log" 2>/dev/null | tail -40; exit 1; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND…
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "timed out waiting for $what"
}

export DISPLAY=:95
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
wait_for 10 "Xvfb" xdotool getmouselocation

# Started here, with the display: a copy the bus would start on demand has none.
dbus-update-activation-environment DISPLAY 2>/dev/null || true
dunst >"$out/dunst.log" 2>&1 &
pids+=($!)
has_owner() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q 'boolean true'; }
wait_for 10 "the notification server" has_owner org.freedesktop.Notifications
/usr/bin/python3 "$here/tray_watcher.py" >"$out/tray-watcher.log" 2>&1 &
pids+=($!)
wait_for 10 "the tray host" grep -q ready "$out/tray-watcher.log"

HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  LIBGL_ALWAYS_SOFTWARE=1 RUST_LOG=picbucket=debug \
  "${PICBUCKET_BIN:-target/debug/picbucket}" >"$out/app.log" 2>&1 &
app=$!
pids+=("$app")
visible() { xdotool search --onlyvisible --name '^picbucket$'; }
wait_for 60 "the window" visible
wait_for 60 "the tray item to register" grep -q registered "$out/tray-watcher.log"
wait_for 60 "the built-in store" grep -q "tray_host=true" "$work/data/picbucket/picbucket.log"
item=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.ListNames | grep -o 'org.kde.StatusNotifierItem-[0-9-]*' | head -1)
[ -n "$item" ] || fail "no StatusNotifierItem on the session bus"
echo "tray item on the bus: $item"

# 1. The close button hides the window; the app keeps running.
/usr/bin/python3 "$here/close_window.py" picbucket
for _ in $(seq 1 50); do visible >/dev/null 2>&1 || break; sleep 0.1; done
visible >/dev/null 2>&1 && fail "the window is still shown after closing it"
kill -0 "$app" || fail "closing the window ended the app"
echo "closed: the window is hidden, the app runs"

# The app in the tray, idle: CPU ticks over 10 s and RSS.
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
sleep 2
before=$(ticks); sleep 10; after=$(ticks)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
echo "in the tray, idle for 10 s: $((after - before)) CPU ticks ($(getconf CLK_TCK)/s), RSS $((rss / 1024)) MiB"

# 2. A screenshot on the clipboard, the shortcut pressed.
/usr/bin/python3 "$here/noise_png.py" "$work/shot.png" 1000000
xclip -selection clipboard -t image/png -i "$work/shot.png"
wait_for 10 "xclip to own the clipboard" sh -c 'xclip -selection clipboard -o -t TARGETS | grep -q image/png'
start=$(date +%s%N)
xdotool key ctrl+shift+u
link=""
for _ in $(seq 1 600); do
  text=$(xclip -selection clipboard -o -t UTF8_STRING 2>/dev/null | tr -d '\0' || true)
  case "$text" in http*) link=$text; break ;; esac
  sleep 0.05
done
[ -n "$link" ] || fail "no link on the clipboard 30 s after the shortcut"
end=$(date +%s%N)
echo "shortcut to link on the clipboard: $(((end - start) / 1000000)) ms (1 MB PNG, ${PICBUCKET_BIN:-target/debug/picbucket}, built-in store)"

# 3. What was stored and served, and what the desktop saw.
curl -sf -o "$work/served.png" "$link" || fail "the link does not serve the image: $link"
size() { /usr/bin/python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"; }
[ "$(size "$work/served.png")" = "$(size "$work/shot.png")" ] || fail "served $(size "$work/served.png"), copied $(size "$work/shot.png")"
stored=$(find "$work/data/picbucket/local-store" -type f -name '*clipboard-*.png' ! -path '*/.*' | wc -l)
[ "$stored" = 1 ] || fail "expected 1 stored object, found $stored"
echo "stored and served: $(size "$work/served.png") PNG, link $link"
wait_for 10 "the notification" sh -c 'dunstctl history | grep -q "link copied"'
echo "notification: $(dunstctl history | grep -o '"[^"]*link copied[^"]*"' | head -1)"

# Image files copied in a file manager (text/uri-list) go up together; both links are copied.
cp "$work/shot.png" "$work/first.png"; cp "$work/shot.png" "$work/second.png"
printf 'file://%s\r\nfile://%s\r\n' "$work/first.png" "$work/second.png" | xclip -selection clipboard -t text/uri-list -i
wait_for 10 "xclip to own the clipboard" sh -c 'xclip -selection clipboard -o -t TARGETS | grep -q text/uri-list'
xdotool key ctrl+shift+u
wait_for 30 "two links on the clipboard" sh -c 'xclip -selection clipboard -o | grep -c "^http" | grep -qx 2'
xclip -selection clipboard -o | grep -q "_first.png" || fail "no link of first.png"
stored=$(find "$work/data/picbucket/local-store" -type f -name '*.png' ! -path '*/.*' | wc -l)
[ "$stored" = 3 ] || fail "expected 3 stored objects after the copied files, found $stored"
echo "copied files: first.png and second.png stored, both links on the clipboard"

dbus-send --session --type=method_call --dest="$item" /StatusNotifierItem \
  org.kde.StatusNotifierItem.Activate int32:0 int32:0
wait_for 10 "the window to come back on the tray's Activate" visible
echo "Activate on the tray item shows the window again"

# A recent upload in the tray menu copies its link again.
printf 'something else' | xclip -selection clipboard -i
name=${link%%\?*}; name=${name##*/}; name=${name#*_}
/usr/bin/python3 "$here/tray_menu.py" "$item" "$name"
wait_for 10 "the recent link on the clipboard" sh -c 'xclip -selection clipboard -o | grep -q "^http.*'"$name"'"'
echo "Recent links > $name copied its link again"

# "Open with picbucket" while the window waits in the tray: the running app
# takes the file and shows its window.
/usr/bin/python3 "$here/close_window.py" picbucket
for _ in $(seq 1 50); do visible >/dev/null 2>&1 || break; sleep 0.1; done
visible >/dev/null 2>&1 && fail "the window is still shown after closing it again"
cp "$work/shot.png" "$work/opened.png"
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
  "${PICBUCKET_BIN:-target/debug/picbucket}" "$work/opened.png" || fail "picbucket FILE did not hand the file over"
wait_for 10 "the window to come back for the opened file" visible
wait_for 30 "the opened file to be stored" sh -c "find '$work/data/picbucket/local-store' -name '*_opened.png' | grep -q ."
echo "picbucket FILE with the window in the tray: handed over, window shown, file stored"

# Quit in the tray menu ends the app, even with the window hidden.
/usr/bin/python3 "$here/close_window.py" picbucket
for _ in $(seq 1 50); do visible >/dev/null 2>&1 || break; sleep 0.1; done
/usr/bin/python3 "$here/tray_menu.py" "$item" Quit
for _ in $(seq 1 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app" 2>/dev/null && fail "Quit in the tray menu did not end the app"
echo "Quit in the tray menu ended the app"
echo "desktop test passed"
