"""Stands in for a panel's tray host: owns org.kde.StatusNotifierWatcher on
the session bus (what picbucket looks for before it closes to the tray) and
records the items that register, until killed."""
import sys
from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

WATCHER = "org.kde.StatusNotifierWatcher"

conn = open_dbus_connection(bus="SESSION")
reply = conn.send_and_get_reply(message_bus.RequestName(WATCHER, 4))
if reply.body[0] != 1:
    sys.exit(f"could not own {WATCHER}: {reply.body}")
print("tray watcher ready", flush=True)
while True:
    msg = conn.receive()
    if msg.header.message_type != MessageType.method_call:
        continue
    member = msg.header.fields.get(HeaderFields.member)
    if member == "RegisterStatusNotifierItem":
        print("registered:", msg.body[0], msg.header.fields.get(HeaderFields.sender), flush=True)
        conn.send(new_method_return(msg))
    elif member == "Get" or member == "GetAll":
        conn.send(new_method_return(msg, "v", (("b", True),)) if member == "Get" else new_method_return(msg, "a{sv}", ({},)))
    else:
        conn.send(new_method_return(msg))
