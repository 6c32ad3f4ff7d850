"""Asks the window named sys.argv[1] to close, as a window manager's close
button does (a WM_DELETE_WINDOW client message): there is no window manager
under Xvfb to do it."""
import sys
from Xlib import X, display, protocol

d = display.Display()
name = sys.argv[1]


def find(window):
    if window.get_wm_name() == name:
        return window
    for child in window.query_tree().children:
        found = find(child)
        if found:
            return found
    return None


window = find(d.screen().root)
if window is None:
    sys.exit(f"no window named {name}")
protocols = d.intern_atom("WM_PROTOCOLS")
delete = d.intern_atom("WM_DELETE_WINDOW")
event = protocol.event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
window.send_event(event, event_mask=X.NoEventMask)
d.flush()
