"""Clicks the tray menu item labelled sys.argv[2] of the StatusNotifierItem
sys.argv[1], as a panel does: com.canonical.dbusmenu GetLayout, then Event
"clicked" on the item's id. Prints the labels it saw."""
import sys
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

item, wanted = sys.argv[1], sys.argv[2]
conn = open_dbus_connection(bus="SESSION")
menu = DBusAddress("/MenuBar", bus_name=item, interface="com.canonical.dbusmenu")
revision, layout = conn.send_and_get_reply(new_method_call(menu, "GetLayout", "iias", (0, -1, []))).body


def walk(node):
    node_id, props, children = node
    label = props.get("label", ("s", ""))[1]
    yield node_id, label
    for child in children:
        yield from walk(child[1])


items = list(walk(layout))
print("menu:", [label for _, label in items if label])
for node_id, label in items:
    if label.replace("_", "") == wanted:
        conn.send_and_get_reply(new_method_call(menu, "Event", "isvu", (node_id, "clicked", ("s", ""), 0)))
        sys.exit(0)
sys.exit(f"no menu item {wanted!r}")
